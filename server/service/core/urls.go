package core

import (
	"net/url"
	"strconv"
	"strings"
)

// URLs is the one place that knows the shape of this instance's ActivityPub
// ids and page addresses.
type URLs struct {
	Protocol string
	Host     string
}

// Base is protocol://host.
func (u URLs) Base() string { return u.Protocol + "://" + u.Host }

// Actor is the ActivityPub id of a local user.
func (u URLs) Actor(username string) string { return u.Base() + "/users/" + username }

// Profile is the browser page of a local user.
func (u URLs) Profile(username string) string { return u.Base() + "/@" + username }

// SharedInbox is the instance-wide inbox.
func (u URLs) SharedInbox() string { return u.Base() + "/inbox" }

// InstanceActor is the id of the actor that signs the server's own fetches.
func (u URLs) InstanceActor() string { return u.Base() + "/actor" }

// UsernameFromActor returns the local username an actor id names, if it is
// one of ours.
func (u URLs) UsernameFromActor(id string) (string, bool) {
	prefix := u.Base() + "/users/"
	if !strings.HasPrefix(id, prefix) {
		return "", false
	}
	name := strings.TrimPrefix(id, prefix)
	if name == "" || strings.ContainsAny(name, "/?#") {
		return "", false
	}
	name, err := url.PathUnescape(name)
	return name, err == nil
}

// StatusURI is the ActivityPub id of a local status.
func (u URLs) StatusURI(username string, id int64) string {
	return u.Actor(username) + "/statuses/" + strconv.FormatInt(id, 10)
}

// StatusURL is the browser page of a local status.
func (u URLs) StatusURL(username string, id int64) string {
	return u.Profile(username) + "/" + strconv.FormatInt(id, 10)
}

// Context is the id of a thread started on this instance.
func (u URLs) Context(id int64) string { return u.Base() + "/contexts/" + strconv.FormatInt(id, 10) }

// Tag is the page of a hashtag.
func (u URLs) Tag(name string) string { return u.Base() + "/tags/" + url.PathEscape(name) }

// ProposalURI is the Proposal a local payee's payment link points to.
func (u URLs) ProposalURI(username string) string { return u.Actor(username) + "/proposal" }

// PaymentPage is the status page of a payment on this instance.
func (u URLs) PaymentPage(id int64) string { return u.Base() + "/payments/p/" + IDString(id) }

// OfferURI is the id of the Offer of a payment.
func (u URLs) OfferURI(id int64) string { return u.PaymentPage(id) + "/offer" }

// AgreementURI is the id of the Agreement of a payment.
func (u URLs) AgreementURI(id int64) string { return u.PaymentPage(id) + "/agreement" }

// ReceiptURI is the id of the Receipt of a payment.
func (u URLs) ReceiptURI(id int64) string { return u.PaymentPage(id) + "/receipt" }

// PayLink is the checkout address a payer follows.
func (u URLs) PayLink(id int64, token string) string {
	return u.Base() + "/payments/checkout/" + IDString(id) + "/" + token
}
