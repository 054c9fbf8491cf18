package mastoapi

import "github.com/gin-gonic/gin"

// areas lists the route groups; each is defined in the file of its area.
func (h *Handler) areas() []func(*gin.Engine) {
	return []func(*gin.Engine){
		h.mountOAuth,     // oauth.go
		h.mountInstance,  // instance.go
		h.mountAccounts,  // accounts.go
		h.mountRelations, // relations.go (domain blocks, notes, endorsements, directory)
		h.mountStatuses,  // statuses.go
		h.mountTimelines, // timelines.go
		h.mountLists,     // lists.go
		h.mountTags,      // tags.go (followed and featured hashtags)
		h.mountScheduled, // scheduled.go
		h.mountPush,      // push.go
		h.mountDiscovery, // discovery.go (trends, suggestions)
		h.mountAnnouncements,
		h.mountPolls, // polls.go
		h.mountNotificationRequests,
		h.mountNotifications,
		h.mountGroupedNotifications, // notifications_v2.go (groups, policy, thread mutes)
		h.mountConversations,
		h.mountSearch,
		h.mountMedia,     // media.go
		h.mountStreaming, // streaming.go
		h.mountMarkers,   // markers.go (markers, preferences)
		h.mountFilters,   // filters.go (v2 and v1 filters)
		h.mountReports,   // reports.go (reports, admin API, domain blocks)
	}
}
