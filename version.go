package intercom

// Version is the version of this SDK. It is sent in the User-Agent header so
// that Intercom can tell which SDK release a request came from.
const Version = "0.1.0"
