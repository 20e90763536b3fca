// Package clean uses parts of v2_11 that v2_12 keeps as they are: it
// compiles against both.
package clean

import (
	"context"

	intercom "github.com/intercomgo/intercom/versions/v2_11"
)

// Tag creates a tag by name.
func Tag(ctx context.Context, c *intercom.ClientWithResponses, name string) (*intercom.TagBasic, error) {
	r, err := c.CreateTagWithResponse(ctx, &intercom.CreateTagParams{}, intercom.CreateTagJSONRequestBody{})
	if err != nil {
		return nil, err
	}
	_ = name
	return r.JSON200, nil
}
