package main

import (
	"context"
	"testing"

	"plaza/models"
	"plaza/server/service/core"
)

// acceptRequest waits until owner on in has a message request from an
// account with this username and accepts it: a DM from someone owner does
// not follow waits in Requests until then.
func (in *instance) acceptRequest(t *testing.T, owner *models.Account, from string) {
	t.Helper()
	ctx := context.Background()
	var id int64
	eventually(t, owner.Username+" gets a message request from "+from, func() bool {
		list, err := in.svc.Messaging().Requests(ctx, owner, core.Page{})
		for _, r := range list {
			if r.Account.Username == from {
				id = r.Request.ID
			}
		}
		return err == nil && id != 0
	})
	if err := in.svc.Messaging().AcceptRequest(ctx, owner, id); err != nil {
		t.Fatal(err)
	}
}
