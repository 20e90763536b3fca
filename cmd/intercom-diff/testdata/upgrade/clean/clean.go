// Package clean uses parts of v2_11 that v2_12 keeps as they are: it
// compiles against both.
package clean

import (
	"context"

	intercom "github.com/intercomgo/intercom/versions/v2_11"
)

// Tag creates a tag by name.
func Tag(ctx context.Context, c *intercom.Client, name string) (*intercom.TagBasic, error) {
	var body intercom.CreateTagJSONRequestBody
	if err := body.FromCreateOrUpdateTagRequest(intercom.CreateOrUpdateTagRequest{Name: name}); err != nil {
		return nil, err
	}
	return c.CreateTag(ctx, body)
}
