package oauth

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"

	"github.com/intercomgo/intercom"
)

// authHosts are the hosts of the page each region's workspaces authorize
// apps on. (Older documentation names app.intercom.io for the US.)
var authHosts = map[intercom.Region]string{
	intercom.RegionUS: "https://app.intercom.com",
	intercom.RegionEU: "https://app.eu.intercom.com",
	intercom.RegionAU: "https://app.au.intercom.com",
}

// Paths of the authorization page and the token endpoint.
const (
	AuthPath  = "/oauth"
	TokenPath = "/auth/eagle/token"
)

// Endpoint returns Intercom's OAuth endpoints for a region: the
// authorization page on the region's app host, and the token endpoint on
// its API host (the same host intercom.WithRegion sends API calls to).
// Intercom wants the client credentials in the form body.
func Endpoint(region intercom.Region) (oauth2.Endpoint, error) {
	auth, ok := authHosts[region]
	if !ok || region.BaseURL() == "" {
		return oauth2.Endpoint{}, fmt.Errorf("oauth: unknown region %q (use intercom.RegionUS, RegionEU or RegionAU)", string(region))
	}
	return oauth2.Endpoint{
		AuthURL:   auth + AuthPath,
		TokenURL:  region.BaseURL() + TokenPath,
		AuthStyle: oauth2.AuthStyleInParams,
	}, nil
}

// Errors of the authorization flow. Each is wrapped with details; test
// with errors.Is.
var (
	// ErrStateMismatch means the callback's state is not the one this
	// user's authorization started with: the request may be forged
	// (cross-site request forgery), or the user's session changed.
	ErrStateMismatch = errors.New("oauth: the state in the callback does not match the one sent (possible forged request); start the authorization again")
	// ErrNoCode means the callback carries no authorization code.
	ErrNoCode = errors.New("oauth: the callback has no code")
	// ErrDenied means the user did not authorize the app, or Intercom
	// refused the request; the callback carries an error parameter.
	ErrDenied = errors.New("oauth: authorization was not granted")
	// ErrExchange means Intercom refused to turn the code into a token:
	// the code is wrong, was used already, or expired (codes live about
	// five minutes), or the client credentials are wrong.
	ErrExchange = errors.New("oauth: exchanging the code for a token failed")
)

// Config is an Intercom app's OAuth configuration. The zero Region is
// RegionUS.
type Config struct {
	// ClientID and ClientSecret are the app's (Developer Hub, Basic info).
	ClientID     string
	ClientSecret string
	// RedirectURL is where Intercom sends the user back; optional when the
	// app has a single redirect URL set in the Developer Hub.
	RedirectURL string
	// Region is the data-hosting region of the workspaces to authorize.
	Region intercom.Region
	// HTTPClient sends the token request; nil means http.DefaultClient.
	HTTPClient *http.Client
	// Endpoint, when set, replaces the region's endpoints (for proxies
	// and tests).
	Endpoint *oauth2.Endpoint
}

// OAuth2 returns the golang.org/x/oauth2 configuration equivalent to c.
func (c *Config) OAuth2() (*oauth2.Config, error) {
	if c.ClientID == "" || c.ClientSecret == "" {
		return nil, errors.New("oauth: Config needs the app's ClientID and ClientSecret (Developer Hub, Basic info)")
	}
	var ep oauth2.Endpoint
	if c.Endpoint != nil {
		ep = *c.Endpoint
	} else {
		region := c.Region
		if region == "" {
			region = intercom.RegionUS
		}
		var err error
		if ep, err = Endpoint(region); err != nil {
			return nil, err
		}
	}
	return &oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, RedirectURL: c.RedirectURL, Endpoint: ep}, nil
}

// NewState returns a fresh random state (32 bytes, URL-safe base64). Keep
// it in the user's session and pass it to AuthCodeURL and HandleCallback.
func NewState() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("oauth: random state: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// AuthCodeURL returns the URL of Intercom's authorization page to send the
// user to, carrying client_id, state and, when set, redirect_uri.
func (c *Config) AuthCodeURL(state string) (string, error) {
	if state == "" {
		return "", errors.New("oauth: AuthCodeURL needs a state (use NewState) to protect the callback against forged requests")
	}
	cfg, err := c.OAuth2()
	if err != nil {
		return "", err
	}
	return cfg.AuthCodeURL(state), nil
}

// HandleCallback checks the request Intercom redirected the user back with
// and exchanges its code for a token. wantState is the state this user's
// authorization started with; a different or missing state is
// ErrStateMismatch (compared in constant time, and checked before anything
// else), an error parameter is ErrDenied, a missing code ErrNoCode.
func (c *Config) HandleCallback(r *http.Request, wantState string) (*oauth2.Token, error) {
	q := r.URL.Query()
	// The state first: nothing in a forged callback, not even its error,
	// is acted on.
	got := q.Get("state")
	if wantState == "" || subtle.ConstantTimeCompare([]byte(got), []byte(wantState)) != 1 {
		return nil, ErrStateMismatch
	}
	if e := q.Get("error"); e != "" {
		return nil, fmt.Errorf("%w: %s %s", ErrDenied, clip(e), clip(q.Get("error_description")))
	}
	code := q.Get("code")
	if code == "" {
		return nil, ErrNoCode
	}
	return c.Exchange(r.Context(), code)
}

// Exchange turns an authorization code into an access token. Intercom's
// tokens do not expire and come without a refresh token: store the token
// (encrypted) and use it until the workspace uninstalls the app.
func (c *Config) Exchange(ctx context.Context, code string) (*oauth2.Token, error) {
	if code == "" {
		return nil, ErrNoCode
	}
	cfg, err := c.OAuth2()
	if err != nil {
		return nil, err
	}
	base := c.HTTPClient
	if base == nil {
		base = http.DefaultClient
	}
	client := *base
	client.Transport = tokenAlias{next: base.Transport}
	tok, err := cfg.Exchange(context.WithValue(ctx, oauth2.HTTPClient, &client), code)
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			status := 0
			if re.Response != nil {
				status = re.Response.StatusCode
			}
			return nil, fmt.Errorf("%w (status %d: %s); the code may be wrong, used already or expired (about 5 minutes), or the client credentials wrong: %w", ErrExchange, status, clip(errorMessage(re)), err)
		}
		return nil, fmt.Errorf("%w: %w", ErrExchange, err)
	}
	return tok, nil
}

// Options returns the client options that authenticate with tok in c's
// region, for a version package's NewClient:
//
//	client, err := v2_12.NewClient(cfg.Options(tok)...)
func (c *Config) Options(tok *oauth2.Token) []intercom.Option {
	opts := []intercom.Option{intercom.WithTokenSource(StaticTokenSource(tok))}
	if c.Region != "" {
		opts = append(opts, intercom.WithRegion(c.Region))
	}
	return opts
}

// TokenSource adapts an oauth2.TokenSource to the intercom.TokenSource the
// clients accept (intercom.WithTokenSource). The token's access token is
// sent as the bearer token.
func TokenSource(ts oauth2.TokenSource) intercom.TokenSource {
	return intercom.TokenSourceFunc(func(context.Context) (string, error) {
		if ts == nil {
			return "", errors.New("oauth: nil oauth2.TokenSource")
		}
		tok, err := ts.Token()
		if err != nil {
			return "", err
		}
		if tok == nil || tok.AccessToken == "" {
			return "", errors.New("oauth: the token source gave no access token")
		}
		return tok.AccessToken, nil
	})
}

// StaticTokenSource is TokenSource of a token that never changes, which
// is what Intercom issues.
func StaticTokenSource(tok *oauth2.Token) intercom.TokenSource {
	return TokenSource(oauth2.StaticTokenSource(tok))
}

// tokenAlias is a RoundTripper for the token request: Intercom has
// answered with the token under "token" only, where OAuth 2 says
// "access_token"; the answer is given both names before x/oauth2 reads it.
type tokenAlias struct{ next http.RoundTripper }

// maxTokenAnswer bounds the token endpoint's answer read here.
const maxTokenAnswer = 1 << 20

func (t tokenAlias) RoundTrip(req *http.Request) (*http.Response, error) {
	next := t.next
	if next == nil {
		next = http.DefaultTransport
	}
	resp, err := next.RoundTrip(req)
	if err != nil || resp.StatusCode/100 != 2 || !strings.Contains(resp.Header.Get("Content-Type"), "json") {
		return resp, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenAnswer))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if json.Unmarshal(body, &m) == nil && m["access_token"] == nil {
		if tok, ok := m["token"].(string); ok && tok != "" {
			m["access_token"] = tok
			if b, err := json.Marshal(m); err == nil {
				body = b
			}
		}
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Del("Content-Length")
	return resp, nil
}

// errorMessage digs Intercom's message out of a refused token request:
// OAuth's error/error_description, or Intercom's error list.
func errorMessage(re *oauth2.RetrieveError) string {
	if re.ErrorCode != "" {
		return strings.TrimSpace(re.ErrorCode + " " + re.ErrorDescription)
	}
	var list struct {
		Errors []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	if json.Unmarshal(re.Body, &list) == nil && len(list.Errors) > 0 {
		return strings.TrimSpace(list.Errors[0].Code + " " + list.Errors[0].Message)
	}
	if u, err := url.ParseQuery(string(re.Body)); err == nil && u.Get("error") != "" {
		return u.Get("error")
	}
	return "no error message"
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}
