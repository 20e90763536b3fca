package intercom

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
)

// Region identifies the Intercom data-hosting region of a workspace. A
// workspace's token only works against its own region's API host.
type Region string

// Regions with their own API host.
const (
	// RegionUS is the United States region, https://api.intercom.io (default).
	RegionUS Region = "us"
	// RegionEU is the European region, https://api.eu.intercom.io.
	RegionEU Region = "eu"
	// RegionAU is the Australian region, https://api.au.intercom.io.
	RegionAU Region = "au"
)

var regionURLs = map[Region]string{
	RegionUS: "https://api.intercom.io",
	RegionEU: "https://api.eu.intercom.io",
	RegionAU: "https://api.au.intercom.io",
}

// BaseURL returns the region's API base URL, or "" for an unknown region.
func (r Region) BaseURL() string { return regionURLs[r] }

// parseBaseURL validates a custom base URL and returns it without a trailing
// slash. Error messages show the URL with any password redacted.
//
// Plain http is allowed for a loopback host, and for a host named in
// insecureHosts (WithInsecureHTTPHost).
func parseBaseURL(raw string, insecureHosts ...string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error quotes the input, which could hold credentials.
		return nil, fmt.Errorf("intercom: WithBaseURL: invalid URL")
	}
	shown := u.Redacted()
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, fmt.Errorf("intercom: WithBaseURL %q: scheme must be https", shown)
	case u.Host == "" || u.Hostname() == "":
		return nil, fmt.Errorf("intercom: WithBaseURL %q: missing host", shown)
	case u.User != nil:
		return nil, fmt.Errorf("intercom: WithBaseURL %q: credentials in the URL are not allowed; use WithToken", shown)
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return nil, fmt.Errorf("intercom: WithBaseURL %q: query and fragment are not allowed", shown)
	case u.Scheme == "http" && !isLoopback(u.Hostname()) && !slices.ContainsFunc(insecureHosts, func(h string) bool { return strings.EqualFold(h, u.Hostname()) }):
		// The bearer token would cross the network in clear text.
		return nil, fmt.Errorf("intercom: WithBaseURL %q: plain http is only allowed for loopback hosts; use https, or name the host with WithInsecureHTTPHost (for a fake in a container)", shown)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	return u, nil
}

// isLoopback reports whether host names this machine: localhost or an
// address in 127.0.0.0/8 or ::1.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
