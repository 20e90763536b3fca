package intercom_test

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom"
)

// synthPage is a page of a synthetic list, for walks without a server.
type synthPage struct {
	info  intercom.PageInfo
	items []int
}

func synthPager(style intercom.PageStyle, fetch func(at intercom.PageRequest) synthPage) (intercom.Pager[synthPage, int], *int) {
	requests := 0
	return intercom.Pager[synthPage, int]{
		Operation: "ListThings",
		Style:     style,
		Fetch: func(_ context.Context, at intercom.PageRequest) (synthPage, error) {
			requests++
			if requests > 10_000 {
				return synthPage{}, fmt.Errorf("runaway walk")
			}
			return fetch(at), nil
		},
		Info:  func(p synthPage) intercom.PageInfo { return p.info },
		Items: func(p synthPage) []int { return p.items },
	}, &requests
}

// TestPageWalkStopsAtFirstEmptyPage: a server claiming 2^31-1 pages must
// not be asked for empty pages without end.
func TestPageWalkStopsAtFirstEmptyPage(t *testing.T) {
	for _, style := range []intercom.PageStyle{intercom.PageNumber, intercom.PageCursor, intercom.PageAny} {
		t.Run(style.String(), func(t *testing.T) {
			p, requests := synthPager(style, func(at intercom.PageRequest) synthPage {
				page := max(at.Page, 1)
				var items []int
				if page <= 3 {
					items = []int{page*10 + 1, page*10 + 2}
				}
				return synthPage{info: intercom.PageInfo{Page: page, TotalPages: math.MaxInt32, PerPage: 2}, items: items}
			})
			var got []int
			for item, err := range p.All(context.Background()) {
				require.NoError(t, err)
				got = append(got, item)
			}
			assert.Equal(t, []int{11, 12, 21, 22, 31, 32}, got)
			assert.Equal(t, 4, *requests, "three full pages and the empty one that ends the walk")
		})
	}
}

// TestCursorCycleOfAnyLengthNeverRepeatsItems: a cursor that leads back to
// an earlier one, after any number of pages, ends the walk with
// ErrNoProgress before any item comes twice.
func TestCursorCycleOfAnyLengthNeverRepeatsItems(t *testing.T) {
	for _, style := range []intercom.PageStyle{intercom.PageCursor, intercom.PageSearch, intercom.PageNextURL, intercom.PageAny} {
		for _, cycle := range []int{1, 2, 8, 9, 17, 100, 1000} {
			t.Run(fmt.Sprintf("%s/%d", style, cycle), func(t *testing.T) {
				const lead = 3 // pages before the cycle starts
				pos := func(at intercom.PageRequest) int {
					tok := at.StartingAfter + at.NextURL
					if tok == "" {
						return 0
					}
					n, err := strconv.Atoi(tok[len("/things?c="):])
					require.NoError(t, err)
					return n
				}
				p, _ := synthPager(style, func(at intercom.PageRequest) synthPage {
					k := pos(at)
					next := k + 1
					if next >= lead+cycle {
						next = lead // back to the start of the cycle
					}
					tok := "/things?c=" + strconv.Itoa(next)
					info := intercom.PageInfo{NextCursor: tok}
					if style == intercom.PageNextURL || style == intercom.PageAny {
						info = intercom.PageInfo{NextURL: tok}
					}
					return synthPage{info: info, items: []int{2 * k, 2*k + 1}}
				})
				seen := map[int]bool{}
				var last error
				for item, err := range p.All(context.Background()) {
					if err != nil {
						last = err
						break
					}
					require.False(t, seen[item], "item %d delivered twice", item)
					seen[item] = true
				}
				require.ErrorIs(t, last, intercom.ErrNoProgress)
				assert.Len(t, seen, 2*(lead+cycle), "every page of the cycle once")
			})
		}
	}
}
