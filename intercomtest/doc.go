// Package intercomtest runs a fake Intercom API for one API version, driven
// entirely by that version's OpenAPI description, for tests of code that
// uses this module (or any other Intercom client).
//
// Every request is routed by the description and validated against it:
// method and path, path, query and header parameters, the Intercom-Version
// header (which must name the server's version), bearer authentication and
// the body: JSON, or, for an operation that takes a multipart/form-data
// upload, a form whose required parts are all there (Request.MultipartForm
// gives a test the fields and file bytes received). A request that breaks
// the description is answered in
// Intercom's own error shape,
//
//	{"type":"error.list","request_id":"002d37gmte7nhkf9o4eg","errors":[{"code":"parameter_invalid","message":"...","field":"..."}]}
//
// with a fitting status: 400 (parameter_invalid, parameter_not_found,
// intercom_version_invalid), 401 (unauthorized), 404 (not_found), 405
// (method_not_allowed), 413 (request_too_large) or 415
// (unsupported_media_type). A valid request gets the description's example
// of the operation's success response, or, where there is none or it breaks
// the response schema, a body built from the schema, so that every answer
// is valid. Tests can script their own answers per operation and read back
// every request with the violations found in it.
//
// The server is independent of the client packages; a test builds the
// version's client itself and points it at the server:
//
//	func TestShowContact(t *testing.T) {
//		srv := intercomtest.NewServer(t, "2.11")
//		srv.On("ShowContact", intercomtest.RespondError(404, "not_found", "User Not Found"))
//
//		client, err := v2_11.NewClient(intercom.WithToken("t"), intercom.WithBaseURL(srv.URL()))
//		if err != nil {
//			t.Fatal(err)
//		}
//		_, err = client.ShowContact(t.Context(), "123")
//		var apiErr *intercom.Error
//		if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
//			t.Fatalf("got %v, want a 404", err)
//		}
//		srv.AssertNoViolations(t)
//	}
//
// On and RequestsFor name an operation by its operationId or by the Go
// method that calls it, in any case ("ListTags" and "listTags" alike).
// DocumentedWith answers with the documented example with some fields set,
// so that a scripted answer keeps every required field and passes
// WithResponseValidation.
//
// The command intercom-fake serves the same fake on a loopback port for
// tools and other languages, or on any address with -allow-remote (for a
// docker-compose or CI service container; clients then need
// intercom.WithInsecureHTTPHost for the service's host name).
package intercomtest
