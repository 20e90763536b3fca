package webhook

import "sort"

// Topic names what a notification is about, such as
// "conversation.user.replied". Intercom may add topics at any time; a
// Topic that is not among the constants below is still delivered to the
// Handler's fallback.
type Topic string

// DocsURL is the page of Intercom's developer documentation that lists
// the webhook topics (Webhooks, Webhook models); each TopicInfo's Source
// points into it. No OpenAPI description defines webhooks, so this page
// is the only source of the topics.
const DocsURL = "https://developers.intercom.com/docs/references/2.16/webhooks/webhook-models"

// The topics of Intercom's webhook documentation (DocsURL), grouped as
// there. The comment after each says what the item is.
const (
	// Admin topics (item: admin).
	TopicAdminAddedToWorkspace              Topic = "admin.added_to_workspace"
	TopicAdminAwayModeUpdated               Topic = "admin.away_mode_updated"
	TopicAdminActivityLogEventCreated       Topic = "admin.activity_log_event.created"
	TopicAdminRemovedFromWorkspace          Topic = "admin.removed_from_workspace"
	TopicAdminLoggedIn                      Topic = "admin.logged_in"
	TopicAdminLoggedOut                     Topic = "admin.logged_out"
	TopicArticleCreated                     Topic = "article.created"                       // article
	TopicArticleUpdated                     Topic = "article.updated"                       // article
	TopicArticlePublished                   Topic = "article.published"                     // article
	TopicArticleUnpublished                 Topic = "article.unpublished"                   // article
	TopicArticleDeleted                     Topic = "article.deleted"                       // article (identifying fields only)
	TopicCallStarted                        Topic = "call.started"                          // call (Intercom Phone)
	TopicCallEnded                          Topic = "call.ended"                            // call
	TopicCallTranscriptionAvailable         Topic = "call.transcription_available"          // call
	TopicCallRecordingAvailable             Topic = "call.recording_available"              // call
	TopicCompanyCreated                     Topic = "company.created"                       // company
	TopicCompanyDeleted                     Topic = "company.deleted"                       // company (identifying fields only)
	TopicCompanyUpdated                     Topic = "company.updated"                       // company
	TopicCompanyContactAttached             Topic = "company.contact.attached"              // company and contact
	TopicCompanyContactDetached             Topic = "company.contact.detached"              // company and contact
	TopicContactArchived                    Topic = "contact.archived"                      // contact
	TopicContactDeleted                     Topic = "contact.deleted"                       // contact (identifying fields only)
	TopicContactEmailUpdated                Topic = "contact.email.updated"                 // contact
	TopicContactLeadAddedEmail              Topic = "contact.lead.added_email"              // contact
	TopicContactLeadCreated                 Topic = "contact.lead.created"                  // contact
	TopicContactLeadSignedUp                Topic = "contact.lead.signed_up"                // contact
	TopicContactLeadTagCreated              Topic = "contact.lead.tag.created"              // contact_tag
	TopicContactLeadTagDeleted              Topic = "contact.lead.tag.deleted"              // contact_tag
	TopicContactLeadUpdated                 Topic = "contact.lead.updated"                  // contact
	TopicContactMerged                      Topic = "contact.merged"                        // contact, with merged_from
	TopicContactSubscribed                  Topic = "contact.subscribed"                    // subscription
	TopicContactUnarchive                   Topic = "contact.unarchive"                     // contact
	TopicContactUnsubscribed                Topic = "contact.unsubscribed"                  // subscription
	TopicContactUserCreated                 Topic = "contact.user.created"                  // contact
	TopicContactUserTagCreated              Topic = "contact.user.tag.created"              // contact_tag
	TopicContactUserTagDeleted              Topic = "contact.user.tag.deleted"              // contact_tag
	TopicContactUserUpdated                 Topic = "contact.user.updated"                  // contact
	TopicContentStatBanner                  Topic = "content_stat.banner"                   // content stat
	TopicContentStatCarousel                Topic = "content_stat.carousel"                 // content stat
	TopicContentStatChat                    Topic = "content_stat.chat"                     // content stat
	TopicContentStatChecklist               Topic = "content_stat.checklist"                // content stat
	TopicContentStatCustomBot               Topic = "content_stat.custom_bot"               // content stat
	TopicContentStatEmail                   Topic = "content_stat.email"                    // content stat
	TopicContentStatNewsItem                Topic = "content_stat.news_item"                // content stat
	TopicContentStatPost                    Topic = "content_stat.post"                     // content stat
	TopicContentStatPush                    Topic = "content_stat.push"                     // content stat
	TopicContentStatSeries                  Topic = "content_stat.series"                   // content stat
	TopicContentStatSeriesWebhook           Topic = "content_stat.series.webhook"           // content stat
	TopicContentStatSMS                     Topic = "content_stat.sms"                      // content stat
	TopicContentStatSurvey                  Topic = "content_stat.survey"                   // content stat
	TopicContentStatTooltipGroup            Topic = "content_stat.tooltip_group"            // content stat
	TopicContentStatTour                    Topic = "content_stat.tour"                     // content stat
	TopicConversationAdminAssigned          Topic = "conversation.admin.assigned"           // conversation
	TopicConversationAdminClosed            Topic = "conversation.admin.closed"             // conversation
	TopicConversationAdminNoted             Topic = "conversation.admin.noted"              // conversation
	TopicConversationAdminOpenAssigned      Topic = "conversation.admin.open.assigned"      // conversation
	TopicConversationAdminOpened            Topic = "conversation.admin.opened"             // conversation
	TopicConversationAdminReplied           Topic = "conversation.admin.replied"            // conversation
	TopicConversationAdminRepliedTranslated Topic = "conversation.admin.replied.translated" // conversation
	TopicConversationAdminSingleCreated     Topic = "conversation.admin.single.created"     // conversation
	TopicConversationAdminSnoozed           Topic = "conversation.admin.snoozed"            // conversation
	TopicConversationAdminUnsnoozed         Topic = "conversation.admin.unsnoozed"          // conversation
	TopicConversationOperatorReplied        Topic = "conversation.operator.replied"         // conversation
	TopicConversationDeleted                Topic = "conversation.deleted"                  // conversation (identifying fields only)
	TopicConversationPartRedacted           Topic = "conversation_part.redacted"            // conversation_part
	TopicConversationPartTagCreated         Topic = "conversation_part.tag.created"         // conversation_part
	TopicConversationPriorityUpdated        Topic = "conversation.priority.updated"         // conversation
	TopicConversationRatingAdded            Topic = "conversation.rating.added"             // conversation
	TopicConversationRead                   Topic = "conversation.read"                     // conversation
	TopicConversationUserCreated            Topic = "conversation.user.created"             // conversation
	TopicConversationUserReplied            Topic = "conversation.user.replied"             // conversation
	TopicConversationContactAttached        Topic = "conversation.contact.attached"         // conversation and contact
	TopicConversationContactDetached        Topic = "conversation.contact.detached"         // conversation and contact
	TopicEventCreated                       Topic = "event.created"                         // event
	TopicJobCompleted                       Topic = "job.completed"                         // job
	TopicPing                               Topic = "ping"                                  // ping; always subscribed
	TopicGranularUnsubscribe                Topic = "granular.unsubscribe"                  // subscription
	TopicGranularSubscribe                  Topic = "granular.subscribe"                    // subscription
	TopicTicketCreated                      Topic = "ticket.created"                        // ticket
	TopicTicketStateUpdated                 Topic = "ticket.state.updated"                  // ticket
	TopicTicketNoteCreated                  Topic = "ticket.note.created"                   // ticket
	TopicTicketAdminAssigned                Topic = "ticket.admin.assigned"                 // ticket
	TopicTicketTeamAssigned                 Topic = "ticket.team.assigned"                  // ticket
	TopicTicketContactAttached              Topic = "ticket.contact.attached"               // ticket
	TopicTicketContactDetached              Topic = "ticket.contact.detached"               // ticket
	TopicTicketAttributeUpdated             Topic = "ticket.attribute.updated"              // ticket
	TopicTicketAdminReplied                 Topic = "ticket.admin.replied"                  // ticket
	TopicTicketAdminRepliedTranslated       Topic = "ticket.admin.replied.translated"       // ticket
	TopicTicketContactReplied               Topic = "ticket.contact.replied"                // ticket
	TopicTicketClosed                       Topic = "ticket.closed"                         // ticket
	TopicTicketRatingProvided               Topic = "ticket.rating.provided"                // ticket
	TopicVisitorSignedUp                    Topic = "visitor.signed_up"                     // visitor
)

// TopicInfo describes one documented topic.
type TopicInfo struct {
	// Topic is the topic's name.
	Topic Topic
	// Object is the documentation's name for what the item is ("Contact",
	// "Contact Tag", "Company, Contact").
	Object string
	// Schema is the OpenAPI component schema the item follows ("contact",
	// "conversation", "ticket"), so that a version package decodes it into
	// its type of that name; "" when no API schema describes the item
	// (a contact_tag, a content stat, a ping, ...).
	Schema string
	// Minimal is true for the deletion topics, whose item carries only the
	// object's identifying fields.
	Minimal bool
	// Source is the documentation section the topic is listed in.
	Source string
}

// Schema returns the component schema of the topic's item, "" when the
// topic is unknown or its item has no API schema.
func (t Topic) Schema() string {
	info, _ := LookupTopic(t)
	return info.Schema
}

// Known reports whether t is one of the documented topics.
func (t Topic) Known() bool {
	_, ok := LookupTopic(t)
	return ok
}

// group is one section of the documentation's topic table: the object its
// items are, the schema that describes them, and the section's anchor.
type group struct {
	object, schema, anchor string
	topics                 []Topic
}

var groups = []group{
	{"Admin", "admin", "admin-topics", []Topic{TopicAdminAddedToWorkspace, TopicAdminAwayModeUpdated, TopicAdminActivityLogEventCreated, TopicAdminRemovedFromWorkspace, TopicAdminLoggedIn, TopicAdminLoggedOut}},
	{"Article", "article", "article-topics", []Topic{TopicArticleCreated, TopicArticleUpdated, TopicArticlePublished, TopicArticleUnpublished, TopicArticleDeleted}},
	{"Call", "call", "call-topics", []Topic{TopicCallStarted, TopicCallEnded, TopicCallTranscriptionAvailable, TopicCallRecordingAvailable}},
	{"Company", "company", "company-topics", []Topic{TopicCompanyCreated, TopicCompanyDeleted, TopicCompanyUpdated}},
	{"Company, Contact", "", "company-topics", []Topic{TopicCompanyContactAttached, TopicCompanyContactDetached}},
	{"Contact", "contact", "contact-topics", []Topic{TopicContactArchived, TopicContactDeleted, TopicContactEmailUpdated, TopicContactLeadAddedEmail, TopicContactLeadCreated, TopicContactLeadSignedUp, TopicContactLeadUpdated, TopicContactMerged, TopicContactUnarchive, TopicContactUserCreated, TopicContactUserUpdated}},
	{"Contact Tag", "", "contact-topics", []Topic{TopicContactLeadTagCreated, TopicContactLeadTagDeleted, TopicContactUserTagCreated, TopicContactUserTagDeleted}},
	{"Subscription", "", "contact-topics", []Topic{TopicContactSubscribed, TopicContactUnsubscribed}},
	{"Content Stat", "", "content-stat-topics", []Topic{TopicContentStatBanner, TopicContentStatCarousel, TopicContentStatChat, TopicContentStatChecklist, TopicContentStatCustomBot, TopicContentStatEmail, TopicContentStatNewsItem, TopicContentStatPost, TopicContentStatPush, TopicContentStatSeries, TopicContentStatSeriesWebhook, TopicContentStatSMS, TopicContentStatSurvey, TopicContentStatTooltipGroup, TopicContentStatTour}},
	{"Conversation", "conversation", "conversation-topics", []Topic{TopicConversationAdminAssigned, TopicConversationAdminClosed, TopicConversationAdminNoted, TopicConversationAdminOpenAssigned, TopicConversationAdminOpened, TopicConversationAdminReplied, TopicConversationAdminRepliedTranslated, TopicConversationAdminSingleCreated, TopicConversationAdminSnoozed, TopicConversationAdminUnsnoozed, TopicConversationOperatorReplied, TopicConversationDeleted, TopicConversationPriorityUpdated, TopicConversationRatingAdded, TopicConversationRead, TopicConversationUserCreated, TopicConversationUserReplied}},
	{"Conversation Part", "conversation_part", "conversation-topics", []Topic{TopicConversationPartRedacted, TopicConversationPartTagCreated}},
	{"Conversation, Contact", "", "conversation-topics", []Topic{TopicConversationContactAttached, TopicConversationContactDetached}},
	{"Event", "data_event", "event-topics", []Topic{TopicEventCreated}},
	{"Job", "", "jobs-topics", []Topic{TopicJobCompleted}},
	{"Ping", "", "ping", []Topic{TopicPing}},
	{"Subscription", "", "subscription-topics", []Topic{TopicGranularUnsubscribe, TopicGranularSubscribe}},
	{"Ticket", "ticket", "ticket-topics", []Topic{TopicTicketCreated, TopicTicketStateUpdated, TopicTicketNoteCreated, TopicTicketAdminAssigned, TopicTicketTeamAssigned, TopicTicketContactAttached, TopicTicketContactDetached, TopicTicketAttributeUpdated, TopicTicketAdminReplied, TopicTicketAdminRepliedTranslated, TopicTicketContactReplied, TopicTicketClosed, TopicTicketRatingProvided}},
	{"Visitor", "visitor", "visitor-topics", []Topic{TopicVisitorSignedUp}},
}

// minimal are the deletion topics, whose items carry identifying fields only.
var minimal = map[Topic]bool{TopicArticleDeleted: true, TopicCompanyDeleted: true, TopicContactDeleted: true, TopicConversationDeleted: true}

var (
	topicList  []TopicInfo
	topicIndex = map[Topic]int{}
)

func init() {
	for _, g := range groups {
		for _, t := range g.topics {
			topicList = append(topicList, TopicInfo{Topic: t, Object: g.object, Schema: g.schema, Minimal: minimal[t], Source: DocsURL + "#" + g.anchor})
		}
	}
	sort.Slice(topicList, func(i, j int) bool { return topicList[i].Topic < topicList[j].Topic })
	for i, info := range topicList {
		topicIndex[info.Topic] = i
	}
}

// Topics returns every documented topic, sorted by name. The slice is a
// copy.
func Topics() []TopicInfo {
	return append([]TopicInfo(nil), topicList...)
}

// LookupTopic returns what the documentation says about t.
func LookupTopic(t Topic) (TopicInfo, bool) {
	i, ok := topicIndex[t]
	if !ok {
		return TopicInfo{}, false
	}
	return topicList[i], true
}
