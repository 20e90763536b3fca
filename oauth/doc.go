// Package oauth lets a public Intercom app obtain access tokens for the
// workspaces that install it, built on golang.org/x/oauth2. It is a
// package of its own so that programs that authenticate with a fixed
// access token do not depend on x/oauth2.
//
// The flow:
//
//  1. Send the user to Config.AuthCodeURL(state), Intercom's authorization
//     page (https://app.intercom.com/oauth, or the EU or Australian app
//     host), with a fresh state from NewState kept in the user's session.
//  2. Intercom redirects the user back to the app's redirect URL with a
//     code and the state. Config.HandleCallback checks the state, then
//     exchanges the code (valid about five minutes) by POSTing code,
//     client_id and client_secret to the region's token endpoint
//     (https://api.intercom.io/auth/eagle/token, or the EU or Australian
//     API host).
//  3. Use the token with any version package:
//     v2_12.NewClient(cfg.Options(tok)...), or
//     intercom.WithTokenSource(oauth.StaticTokenSource(tok)).
//
// Intercom's tokens do not expire and there is no refresh token; store the
// token encrypted, and expect 401 once the workspace removes the app.
package oauth
