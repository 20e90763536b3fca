package intercom

// Ptr returns a pointer to a copy of v, for the optional fields of request
// bodies and parameters: Ptr(50), Ptr("lead"), Ptr(false).
//
// An optional field is a pointer so that a zero value (false, 0, "") can
// still be sent; nil leaves the field out.
func Ptr[T any](v T) *T { return &v }
