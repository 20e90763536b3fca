package oauth_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/intercomtest"
	"github.com/intercomgo/intercom/oauth"
	"github.com/intercomgo/intercom/versions/v2_11"
)

const (
	clientID     = "c3f1a7e2-5b8d-4c6e-9a0f-2d4b6e8c1a3f"
	clientSecret = "5b7a0bd8e2f0c4a96de1f3b2c8a7e6d5f4c3b2a1"
	goodCode     = "b1946ac92492d2347c6235b4d2611184"
	accessToken  = "dG9rOjY0ZjNhYzUxXzk1YjFfNGQ2Zl9iMDJlXzFhN2M0ZTlkOGYyYToxOjA="
)

// fakeIntercom plays Intercom's side of the flow: the authorization page
// (which, as if the user clicked Authorize, redirects back with a code)
// and the token endpoint.
type fakeIntercom struct {
	*httptest.Server
	tokenCalls atomic.Int32
	answer     string // the token endpoint's success body
}

func newFakeIntercom(t *testing.T) *fakeIntercom {
	f := &fakeIntercom{answer: `{"token_type":"Bearer","token":"` + accessToken + `","access_token":"` + accessToken + `"}`}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oauth", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("client_id") != clientID {
			http.Error(w, "unknown app", http.StatusBadRequest)
			return
		}
		back, err := url.Parse(q.Get("redirect_uri"))
		if err != nil || back.Host == "" {
			http.Error(w, "bad redirect_uri", http.StatusBadRequest)
			return
		}
		v := url.Values{"code": {goodCode}, "state": {q.Get("state")}}
		if q.Get("deny") != "" {
			v = url.Values{"error": {"access_denied"}, "error_description": {"The user denied access"}, "state": {q.Get("state")}}
		}
		back.RawQuery = v.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	})
	mux.HandleFunc("POST /auth/eagle/token", func(w http.ResponseWriter, r *http.Request) {
		f.tokenCalls.Add(1)
		_, _, basic := r.BasicAuth()
		if err := r.ParseForm(); err != nil || basic || r.PostForm.Get("client_id") != clientID || r.PostForm.Get("client_secret") != clientSecret {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"type":"error.list","request_id":"002d37gmte7nhkf9o4eg","errors":[{"code":"unauthorized","message":"Invalid client credentials"}]}`)
			return
		}
		if r.PostForm.Get("code") != goodCode {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"type":"error.list","request_id":"002d37gmte7nhkf9o4eh","errors":[{"code":"parameter_invalid","message":"Invalid code"}]}`)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = io.WriteString(w, f.answer)
	})
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

func (f *fakeIntercom) endpoint() *oauth2.Endpoint {
	return &oauth2.Endpoint{AuthURL: f.URL + oauth.AuthPath, TokenURL: f.URL + oauth.TokenPath, AuthStyle: oauth2.AuthStyleInParams}
}

// app is the integrator's web app: its callback finishes the flow and
// calls the API with the token.
type app struct {
	cfg      *oauth.Config
	state    string
	api      string // the fake API the client talks to
	tok      *oauth2.Token
	err      error
	adminErr error
}

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.tok, a.err = a.cfg.HandleCallback(r, a.state)
	if a.err != nil {
		http.Error(w, "authorization failed", http.StatusBadRequest)
		return
	}
	client, err := v2_11.NewClient(append(a.cfg.Options(a.tok), intercom.WithBaseURL(a.api))...)
	if err == nil {
		_, err = client.IdentifyAdmin(r.Context())
	}
	a.adminErr = err
	_, _ = io.WriteString(w, "connected")
}

func TestWholeFlow(t *testing.T) {
	intercomSide := newFakeIntercom(t)
	api := intercomtest.NewServer(t, "2.11", intercomtest.WithTokens(accessToken))
	a := &app{api: api.URL()}
	appSrv := httptest.NewServer(a)
	defer appSrv.Close()
	a.cfg = &oauth.Config{ClientID: clientID, ClientSecret: clientSecret, RedirectURL: appSrv.URL + "/callback", Endpoint: intercomSide.endpoint(), HTTPClient: intercomSide.Client()}

	state, err := oauth.NewState()
	require.NoError(t, err)
	a.state = state
	authURL, err := a.cfg.AuthCodeURL(state)
	require.NoError(t, err)
	u, err := url.Parse(authURL)
	require.NoError(t, err)
	assert.Equal(t, "/oauth", u.Path)
	assert.Equal(t, clientID, u.Query().Get("client_id"))
	assert.Equal(t, state, u.Query().Get("state"))
	assert.Equal(t, appSrv.URL+"/callback", u.Query().Get("redirect_uri"))

	// The user's browser: to Intercom, and back to the app.
	resp, err := http.Get(authURL)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, a.err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "connected", string(body))
	assert.Equal(t, accessToken, a.tok.AccessToken)
	assert.Equal(t, "Bearer", a.tok.Type())
	assert.True(t, a.tok.Expiry.IsZero(), "Intercom's tokens do not expire")
	assert.Empty(t, a.tok.RefreshToken)
	assert.EqualValues(t, 1, intercomSide.tokenCalls.Load())

	// The token authenticated a real call of a version package.
	require.NoError(t, a.adminErr)
	reqs := api.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "Bearer "+accessToken, reqs[0].Header.Get("Authorization"))
	api.AssertNoViolations(t)
}

func TestBadState(t *testing.T) {
	intercomSide := newFakeIntercom(t)
	cfg := &oauth.Config{ClientID: clientID, ClientSecret: clientSecret, Endpoint: intercomSide.endpoint(), HTTPClient: intercomSide.Client()}
	for name, query := range map[string]string{
		"another state":   "code=" + goodCode + "&state=attacker-chosen",
		"no state":        "code=" + goodCode,
		"prefix of state": "code=" + goodCode + "&state=s3cr",
	} {
		r := httptest.NewRequest(http.MethodGet, "/callback?"+query, nil)
		_, err := cfg.HandleCallback(r, "s3cret-state")
		assert.ErrorIs(t, err, oauth.ErrStateMismatch, name)
	}
	// An empty expected state never matches, even an empty one.
	_, err := cfg.HandleCallback(httptest.NewRequest(http.MethodGet, "/callback?code="+goodCode+"&state=", nil), "")
	assert.ErrorIs(t, err, oauth.ErrStateMismatch)
	assert.Zero(t, intercomSide.tokenCalls.Load(), "no code is exchanged for a forged callback")

	_, err = cfg.HandleCallback(httptest.NewRequest(http.MethodGet, "/callback?state=s3cret-state", nil), "s3cret-state")
	assert.ErrorIs(t, err, oauth.ErrNoCode)
	_, err = cfg.HandleCallback(httptest.NewRequest(http.MethodGet, "/callback?error=access_denied&error_description=The+user+denied+access&state=s3cret-state", nil), "s3cret-state")
	assert.ErrorIs(t, err, oauth.ErrDenied)
	assert.ErrorContains(t, err, "The user denied access")
	_, err = cfg.HandleCallback(httptest.NewRequest(http.MethodGet, "/callback?error=access_denied&state=forged", nil), "s3cret-state")
	assert.ErrorIs(t, err, oauth.ErrStateMismatch, "a forged denial is a forgery first")
	_, err = cfg.AuthCodeURL("")
	assert.ErrorContains(t, err, "NewState")
}

func TestBadCode(t *testing.T) {
	intercomSide := newFakeIntercom(t)
	cfg := &oauth.Config{ClientID: clientID, ClientSecret: clientSecret, Endpoint: intercomSide.endpoint(), HTTPClient: intercomSide.Client()}
	_, err := cfg.Exchange(context.Background(), "0000expired0000")
	require.ErrorIs(t, err, oauth.ErrExchange)
	assert.ErrorContains(t, err, "status 400")
	assert.ErrorContains(t, err, "parameter_invalid Invalid code")
	var re *oauth2.RetrieveError
	require.True(t, errors.As(err, &re), "x/oauth2's error stays in the chain")
	assert.Equal(t, http.StatusBadRequest, re.Response.StatusCode)
	assert.NotContains(t, err.Error(), clientSecret)

	wrong := *cfg
	wrong.ClientSecret = "0000000000000000000000000000000000000000"
	_, err = wrong.Exchange(context.Background(), goodCode)
	require.ErrorIs(t, err, oauth.ErrExchange)
	assert.ErrorContains(t, err, "Invalid client credentials")

	_, err = cfg.Exchange(context.Background(), "")
	assert.ErrorIs(t, err, oauth.ErrNoCode)
	_, err = (&oauth.Config{ClientID: clientID}).Exchange(context.Background(), goodCode)
	assert.ErrorContains(t, err, "ClientSecret")
}

func TestTokenUnderItsIntercomName(t *testing.T) {
	// An answer that names the token "token" only still gives a token.
	intercomSide := newFakeIntercom(t)
	intercomSide.answer = `{"token_type":"Bearer","token":"` + accessToken + `"}`
	cfg := &oauth.Config{ClientID: clientID, ClientSecret: clientSecret, Endpoint: intercomSide.endpoint(), HTTPClient: intercomSide.Client()}
	tok, err := cfg.Exchange(context.Background(), goodCode)
	require.NoError(t, err)
	assert.Equal(t, accessToken, tok.AccessToken)

	intercomSide.answer = `{"token_type":"Bearer"}`
	_, err = cfg.Exchange(context.Background(), goodCode)
	assert.ErrorIs(t, err, oauth.ErrExchange, "an answer without any token")
}

func TestRegionEndpoints(t *testing.T) {
	for region, want := range map[intercom.Region][2]string{
		intercom.RegionUS: {"https://app.intercom.com/oauth", "https://api.intercom.io/auth/eagle/token"},
		intercom.RegionEU: {"https://app.eu.intercom.com/oauth", "https://api.eu.intercom.io/auth/eagle/token"},
		intercom.RegionAU: {"https://app.au.intercom.com/oauth", "https://api.au.intercom.io/auth/eagle/token"},
	} {
		ep, err := oauth.Endpoint(region)
		require.NoError(t, err)
		assert.Equal(t, want[0], ep.AuthURL)
		assert.Equal(t, want[1], ep.TokenURL)
		assert.Equal(t, oauth2.AuthStyleInParams, ep.AuthStyle)
		// The token endpoint is on the host the region's API calls go to.
		assert.True(t, strings.HasPrefix(ep.TokenURL, region.BaseURL()+"/"))

		cfg := &oauth.Config{ClientID: clientID, ClientSecret: clientSecret, Region: region}
		authURL, err := cfg.AuthCodeURL("state")
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(authURL, want[0]+"?"), authURL)
	}
	_, err := oauth.Endpoint("mars")
	assert.ErrorContains(t, err, "unknown region")
	_, err = (&oauth.Config{ClientID: clientID, ClientSecret: clientSecret, Region: "mars"}).AuthCodeURL("state")
	assert.ErrorContains(t, err, "unknown region")

	// The zero Region is the US.
	authURL, err := (&oauth.Config{ClientID: clientID, ClientSecret: clientSecret}).AuthCodeURL("state")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(authURL, "https://app.intercom.com/oauth?"))
}

// TestRegionTokenExchange exchanges a code of an EU workspace, and checks
// that the request goes to the EU API host and that the client built from
// the token calls the EU API.
func TestRegionTokenExchange(t *testing.T) {
	var hosts []string
	transport := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		hosts = append(hosts, r.URL.Host+r.URL.Path)
		body := `{"token_type":"Bearer","token":"` + accessToken + `","access_token":"` + accessToken + `"}`
		if r.URL.Path != oauth.TokenPath {
			body = `{"type":"admin","id":"991267459","email":"ciaran@example.com","app":null}`
		}
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
	})
	httpClient := &http.Client{Transport: transport}
	cfg := &oauth.Config{ClientID: clientID, ClientSecret: clientSecret, Region: intercom.RegionEU, HTTPClient: httpClient}
	tok, err := cfg.Exchange(context.Background(), goodCode)
	require.NoError(t, err)
	client, err := v2_11.NewClient(append(cfg.Options(tok), intercom.WithHTTPClient(httpClient))...)
	require.NoError(t, err)
	_, err = client.IdentifyAdmin(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []string{"api.eu.intercom.io/auth/eagle/token", "api.eu.intercom.io/me"}, hosts)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestTokenSource(t *testing.T) {
	ctx := context.Background()
	got, err := oauth.StaticTokenSource(&oauth2.Token{AccessToken: accessToken}).Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, accessToken, got)

	_, err = oauth.StaticTokenSource(&oauth2.Token{}).Token(ctx)
	assert.ErrorContains(t, err, "no access token")
	_, err = oauth.TokenSource(nil).Token(ctx)
	assert.ErrorContains(t, err, "nil")
	failing := oauth2.ReuseTokenSource(nil, tokenSourceFunc(func() (*oauth2.Token, error) { return nil, errors.New("vault sealed") }))
	_, err = oauth.TokenSource(failing).Token(ctx)
	assert.ErrorContains(t, err, "vault sealed")
}

type tokenSourceFunc func() (*oauth2.Token, error)

func (f tokenSourceFunc) Token() (*oauth2.Token, error) { return f() }

func TestNewState(t *testing.T) {
	a, err := oauth.NewState()
	require.NoError(t, err)
	b, err := oauth.NewState()
	require.NoError(t, err)
	assert.NotEqual(t, a, b)
	assert.Len(t, a, 43, "32 random bytes")
	assert.Equal(t, url.QueryEscape(a), a, "safe in a URL as is")
}

func TestConfigNeedsCredentials(t *testing.T) {
	_, err := (&oauth.Config{}).AuthCodeURL("state")
	assert.ErrorContains(t, err, "ClientID and ClientSecret")
	_, err = (&oauth.Config{ClientSecret: clientSecret}).Exchange(context.Background(), goodCode)
	assert.ErrorContains(t, err, "ClientID and ClientSecret")
}
