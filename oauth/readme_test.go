package oauth_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/intercomtest"
	"github.com/intercomgo/intercom/oauth"
	"github.com/intercomgo/intercom/versions/v2_11"
)

// TestReadmeFlow runs the README's OAuth snippet: the authorization URL of
// an EU app, then its callback, with a local stand-in for Intercom's token
// endpoint.
func TestReadmeFlow(t *testing.T) {
	id, secret := clientID, clientSecret
	cfg := &oauth.Config{ClientID: id, ClientSecret: secret, RedirectURL: "https://example.com/intercom/callback", Region: intercom.RegionEU}

	state, _ := oauth.NewState()
	authURL, _ := cfg.AuthCodeURL(state)
	u, err := url.Parse(authURL)
	require.NoError(t, err)
	assert.Equal(t, "app.eu.intercom.com", u.Host, "the EU region's authorization page")
	assert.Equal(t, id, u.Query().Get("client_id"))
	assert.Equal(t, state, u.Query().Get("state"))
	assert.Equal(t, "https://example.com/intercom/callback", u.Query().Get("redirect_uri"))

	// Intercom's token endpoint, played locally.
	intercomSide := newFakeIntercom(t)
	cfg.Endpoint, cfg.HTTPClient = intercomSide.endpoint(), intercomSide.Client()
	session := struct{ State string }{State: state}

	api := intercomtest.NewServer(t, "2.11", intercomtest.WithTokens(accessToken))
	callback := func(r *http.Request) error {
		tok, err := cfg.HandleCallback(r, session.State)
		if err != nil {
			return err
		}
		assert.Equal(t, accessToken, tok.AccessToken)
		client, err := v2_11.NewClient(cfg.Options(tok)...)
		if err != nil {
			return err
		}
		require.NotNil(t, client)
		// The same options, pointed at the fake API, authenticate.
		probe, err := v2_11.NewClient(append(cfg.Options(tok), intercom.WithBaseURL(api.URL()))...)
		if err != nil {
			return err
		}
		_, err = probe.IdentifyAdmin(r.Context())
		return err
	}

	forged := httptest.NewRequest(http.MethodGet, "https://example.com/intercom/callback?code="+goodCode+"&state=forged", nil)
	require.ErrorIs(t, callback(forged), oauth.ErrStateMismatch)
	assert.Zero(t, intercomSide.tokenCalls.Load(), "a forged callback exchanges nothing")

	back := httptest.NewRequest(http.MethodGet, "https://example.com/intercom/callback?code="+goodCode+"&state="+url.QueryEscape(state), nil)
	require.NoError(t, callback(back))
	assert.EqualValues(t, 1, intercomSide.tokenCalls.Load())
	require.Len(t, api.RequestsFor("IdentifyAdmin"), 1)
}
