// Package breaks uses parts of v2_11 that v2_12 changes: it compiles
// against v2_11 and not against v2_12.
package breaks

import (
	"context"

	"github.com/intercomgo/intercom/versions/v2_11"
)

// Attributes reads a field v2_12's Conversation no longer has.
func Attributes(c *v2_11.Conversation) *map[string]interface{} {
	return c.CustomAttributes
}

// FirstPage lists conversations with a response type v2_12 renamed.
func FirstPage(ctx context.Context, c *v2_11.Client) (*v2_11.PaginatedConversationResponse, error) {
	return c.ListConversations(ctx, &v2_11.ListConversationsParams{})
}
