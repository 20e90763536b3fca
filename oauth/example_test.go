package oauth_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"

	"golang.org/x/oauth2"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/intercomtest"
	"github.com/intercomgo/intercom/oauth"
	"github.com/intercomgo/intercom/versions/v2_11"
)

// The whole flow of a public app, with local stand-ins for Intercom's
// authorization page, its token endpoint and its API.
func ExampleConfig() {
	const token = "dG9rOjY0ZjNhYzUxXzk1YjFfNGQ2Zl9iMDJlXzFhN2M0ZTlkOGYyYToxOjA="

	// Stand-ins for Intercom: the page redirects back as if the user
	// clicked Authorize; the token endpoint swaps the code for a token.
	intercomSite := http.NewServeMux()
	intercomSite.HandleFunc("GET /oauth", func(w http.ResponseWriter, r *http.Request) {
		back, _ := url.Parse(r.URL.Query().Get("redirect_uri"))
		back.RawQuery = url.Values{"code": {"b1946ac92492d2347c6235b4d2611184"}, "state": {r.URL.Query().Get("state")}}.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	})
	intercomSite.HandleFunc("POST /auth/eagle/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"token_type":"Bearer","token":%q,"access_token":%q}`, token, token)
	})
	intercomSrv := httptest.NewServer(intercomSite)
	defer intercomSrv.Close()
	api, err := intercomtest.Start("2.11", intercomtest.WithTokens(token))
	if err != nil {
		log.Fatal(err)
	}
	defer api.Close()

	// The app.
	cfg := &oauth.Config{
		ClientID:     "c3f1a7e2-5b8d-4c6e-9a0f-2d4b6e8c1a3f",
		ClientSecret: "5b7a0bd8e2f0c4a96de1f3b2c8a7e6d5f4c3b2a1",
		Region:       intercom.RegionUS, // the workspaces' region: RegionEU and RegionAU have their own hosts
		// Left out in production; here it points at the stand-in.
		Endpoint: &oauth2.Endpoint{AuthURL: intercomSrv.URL + oauth.AuthPath, TokenURL: intercomSrv.URL + oauth.TokenPath, AuthStyle: oauth2.AuthStyleInParams},
	}
	state, err := oauth.NewState() // keep it in the user's session
	if err != nil {
		log.Fatal(err)
	}
	app := http.NewServeMux()
	app.HandleFunc("GET /intercom/callback", func(w http.ResponseWriter, r *http.Request) {
		tok, err := cfg.HandleCallback(r, state)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		// Store tok.AccessToken; it does not expire.
		client, err := v2_11.NewClient(append(cfg.Options(tok), intercom.WithBaseURL(api.URL()))...)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if _, err := client.IdentifyAdmin(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		fmt.Fprintln(w, "connected to Intercom")
	})
	appSrv := httptest.NewServer(app)
	defer appSrv.Close()
	cfg.RedirectURL = appSrv.URL + "/intercom/callback"

	// Send the user to Intercom...
	authURL, err := cfg.AuthCodeURL(state)
	if err != nil {
		log.Fatal(err)
	}
	u, _ := url.Parse(authURL)
	fmt.Println(u.Path, u.Query().Get("client_id"), u.Query().Get("state") == state)

	// ...and the browser comes back to the callback.
	resp, err := http.Get(authURL)
	if err != nil {
		log.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Print(resp.StatusCode, " ", string(body))

	// A callback with someone else's state is refused before any exchange.
	forged, _ := http.Get(appSrv.URL + "/intercom/callback?code=b1946ac92492d2347c6235b4d2611184&state=forged")
	forged.Body.Close()
	fmt.Println(forged.StatusCode)
	// Output:
	// /oauth c3f1a7e2-5b8d-4c6e-9a0f-2d4b6e8c1a3f true
	// 200 connected to Intercom
	// 400
}
