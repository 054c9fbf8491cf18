package supporters

import (
	"context"
	"fmt"
	"sort"
	"time"

	"plaza/models"
	"plaza/server/service/payments"
)

// SubscriptionView is a subscription as its creator or supporter sees it.
type SubscriptionView struct {
	*models.Subscription
	Creator   *models.Account
	Supporter *models.Account
	Price     string // "5.00"
	Invoices  []*models.SubscriptionInvoice
}

// MonthRevenue is what paid periods brought in one month and currency.
type MonthRevenue struct {
	Month    string // "2026-12"
	Currency string
	Amount   string
	minor    int64
}

// CreatorPage is what the creator sees: supporters, revenue by month, and
// failed renewals.
type CreatorPage struct {
	Tiers      []*models.SupporterTier
	Supporters []*SubscriptionView // active or past due
	Revenue    []MonthRevenue      // newest month first
	Failed     []*models.SubscriptionInvoice
}

// Creator builds the creator's page.
func (s *Service) Creator(ctx context.Context, creator *models.Account) (*CreatorPage, error) {
	tiers, err := s.store.TiersOf(ctx, creator.ID)
	if err != nil {
		return nil, err
	}
	views, err := s.views(ctx, creator.ID, true)
	if err != nil {
		return nil, err
	}
	page := &CreatorPage{Tiers: tiers}
	rev := map[[2]string]int64{}
	for _, v := range views {
		if v.State == models.SubscriptionActive || v.State == models.SubscriptionPastDue {
			page.Supporters = append(page.Supporters, v)
		}
		for _, inv := range v.Invoices {
			if !inv.Paid {
				page.Failed = append(page.Failed, inv)
				continue
			}
			rev[[2]string{inv.PeriodStart.UTC().Format("2006-01"), inv.Currency}] += inv.Amount
		}
	}
	for k, n := range rev {
		page.Revenue = append(page.Revenue, MonthRevenue{Month: k[0], Currency: k[1], Amount: payments.FormatAmount(n, k[1]), minor: n})
	}
	sort.Slice(page.Revenue, func(i, j int) bool {
		if page.Revenue[i].Month != page.Revenue[j].Month {
			return page.Revenue[i].Month > page.Revenue[j].Month
		}
		return page.Revenue[i].Currency < page.Revenue[j].Currency
	})
	return page, nil
}

// Subscriptions lists the supporter's subscriptions with their receipts.
// Remote subscriptions (mirrors of another instance's ledger) come after
// the local ones, marked Remote.
func (s *Service) Subscriptions(ctx context.Context, supporter *models.Account) ([]*SubscriptionView, error) {
	local, err := s.views(ctx, supporter.ID, false)
	if err != nil {
		return nil, err
	}
	remote, err := s.mirrorViews(ctx, supporter)
	if err != nil {
		return nil, err
	}
	return append(local, remote...), nil
}

// mirrorViews shows the supporter's remote subscriptions as subscriptions.
func (s *Service) mirrorViews(ctx context.Context, supporter *models.Account) ([]*SubscriptionView, error) {
	mirrors, err := s.store.MirrorsOf(ctx, supporter.ID)
	if err != nil {
		return nil, fmt.Errorf("remote subscriptions of %d: %w", supporter.ID, err)
	}
	ids := make([]int64, len(mirrors))
	for i, m := range mirrors {
		ids[i] = m.ID
	}
	invs, err := s.store.InvoicesOf(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("remote receipts of %d: %w", supporter.ID, err)
	}
	out := make([]*SubscriptionView, 0, len(mirrors))
	for _, m := range mirrors {
		v := &SubscriptionView{Subscription: &models.Subscription{ID: m.ID, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt, CreatorID: m.CreatorID,
			SupporterID: m.SupporterID, Currency: m.Currency, State: m.State, AgreementURI: m.AgreementURI, CurrentPeriodEnd: m.CurrentPeriodEnd, Remote: true},
			Supporter: supporter, Price: m.Amount}
		if a, err := s.store.AccountByID(ctx, m.CreatorID); err == nil {
			v.Creator = a
		}
		for _, inv := range invs {
			if inv.SubscriptionID == m.ID {
				v.Invoices = append(v.Invoices, inv)
			}
		}
		out = append(out, v)
	}
	return out, nil
}

func (s *Service) views(ctx context.Context, accountID int64, asCreator bool) ([]*SubscriptionView, error) {
	subs, err := s.store.SubscriptionsOf(ctx, accountID, asCreator)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(subs))
	for i, sub := range subs {
		ids[i] = sub.ID
	}
	invs, err := s.store.InvoicesOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := map[int64][]*models.SubscriptionInvoice{}
	for _, inv := range invs {
		byID[inv.SubscriptionID] = append(byID[inv.SubscriptionID], inv)
	}
	accts := map[int64]*models.Account{}
	account := func(id int64) *models.Account {
		if a, ok := accts[id]; ok {
			return a
		}
		a, err := s.store.AccountByID(ctx, id)
		if err != nil {
			a = nil
		}
		accts[id] = a
		return a
	}
	out := make([]*SubscriptionView, 0, len(subs))
	for _, sub := range subs {
		out = append(out, &SubscriptionView{Subscription: sub, Creator: account(sub.CreatorID), Supporter: account(sub.SupporterID),
			Price: payments.FormatAmount(sub.Amount, sub.Currency), Invoices: byID[sub.ID]})
	}
	return out, nil
}

// NextRenewal is when an active subscription renews (zero when unknown or
// ended).
func (v *SubscriptionView) NextRenewal() time.Time {
	if v.CurrentPeriodEnd == nil || v.State == models.SubscriptionCanceled {
		return time.Time{}
	}
	return *v.CurrentPeriodEnd
}
