package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"plaza/models"
)

// notDomainBlocked drops statuses, and boosts of statuses, of accounts on
// the domains viewerID blocked for itself.
func notDomainBlocked(q *gorm.DB, viewerID int64) *gorm.DB {
	hidden := "(SELECT da.id FROM accounts da JOIN account_domain_blocks adb ON adb.domain = da.domain WHERE adb.account_id = ?)"
	return q.Where("statuses.account_id NOT IN "+hidden, viewerID).
		Where("(statuses.reblog_of_id IS NULL OR NOT EXISTS (SELECT 1 FROM statuses dbo WHERE dbo.id = statuses.reblog_of_id AND dbo.account_id IN "+hidden+"))", viewerID)
}

// CreateAccountDomainBlock blocks a domain for one account; blocking it
// again changes nothing.
func (s *Store) CreateAccountDomainBlock(ctx context.Context, b *models.AccountDomainBlock) error {
	if b.ID == 0 {
		b.ID = s.NewID()
	}
	return translate(s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(b).Error, "create account domain block")
}

// DeleteAccountDomainBlock lifts an account's block of a domain.
func (s *Store) DeleteAccountDomainBlock(ctx context.Context, accountID int64, domain string) error {
	return translate(s.conn(ctx).Where("account_id = ? AND domain = ?", accountID, domain).Delete(&models.AccountDomainBlock{}).Error, "delete account domain block")
}

// AccountDomainBlocks pages an account's blocked domains, newest first.
func (s *Store) AccountDomainBlocks(ctx context.Context, accountID int64, p Page) ([]models.AccountDomainBlock, error) {
	q, rev := paged(s.conn(ctx).Where("account_id = ?", accountID), "id", p)
	var list []models.AccountDomainBlock
	if err := q.Find(&list).Error; err != nil {
		return nil, translate(err, "account domain blocks")
	}
	if rev {
		reverse(list)
	}
	return list, nil
}

// DomainBlockedBy reports whether accountID blocked domain for itself.
func (s *Store) DomainBlockedBy(ctx context.Context, accountID int64, domain string) (bool, error) {
	var n int64
	err := s.conn(ctx).Model(&models.AccountDomainBlock{}).Where("account_id = ? AND domain = ?", accountID, domain).Limit(1).Count(&n).Error
	return n > 0, translate(err, "domain blocked by")
}

// FollowsWithDomain returns up to limit follows between accountID and the
// accounts of domain, either way round, pending ones included.
func (s *Store) FollowsWithDomain(ctx context.Context, accountID int64, domain string, limit int) ([]models.Follow, error) {
	var fs []models.Follow
	err := s.conn(ctx).Where(`(account_id = ? AND target_account_id IN (SELECT id FROM accounts WHERE domain = ?))
		OR (target_account_id = ? AND account_id IN (SELECT id FROM accounts WHERE domain = ?))`, accountID, domain, accountID, domain).
		Order("id").Limit(limit).Find(&fs).Error
	return fs, translate(err, "follows with domain")
}

// DeleteNotificationsFromDomain removes accountID's notifications from the
// accounts of domain.
func (s *Store) DeleteNotificationsFromDomain(ctx context.Context, accountID int64, domain string) error {
	err := s.conn(ctx).Where("account_id = ? AND from_account_id IN (SELECT id FROM accounts WHERE domain = ?)", accountID, domain).
		Delete(&models.Notification{}).Error
	return translate(err, "delete notifications from domain")
}

// SetAccountNote stores accountID's note on targetID; an empty comment
// removes it.
func (s *Store) SetAccountNote(ctx context.Context, accountID, targetID int64, comment string, now time.Time) error {
	if comment == "" {
		return translate(s.conn(ctx).Where("account_id = ? AND target_account_id = ?", accountID, targetID).Delete(&models.AccountNote{}).Error, "delete account note")
	}
	n := &models.AccountNote{ID: s.NewID(), CreatedAt: now, UpdatedAt: now, AccountID: accountID, TargetAccountID: targetID, Comment: comment}
	err := s.conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "account_id"}, {Name: "target_account_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"comment", "updated_at"}),
	}).Create(n).Error
	return translate(err, "set account note")
}

// AccountNote returns accountID's note on targetID ("" without one).
func (s *Store) AccountNote(ctx context.Context, accountID, targetID int64) (string, error) {
	var notes []string
	err := s.conn(ctx).Model(&models.AccountNote{}).Where("account_id = ? AND target_account_id = ?", accountID, targetID).Limit(1).Pluck("comment", &notes).Error
	if err != nil || len(notes) == 0 {
		return "", translate(err, "account note")
	}
	return notes[0], nil
}

// CreateEndorsement features targetID on accountID's profile; doing it
// again changes nothing.
func (s *Store) CreateEndorsement(ctx context.Context, e *models.AccountEndorsement) error {
	if e.ID == 0 {
		e.ID = s.NewID()
	}
	return translate(s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(e).Error, "create endorsement")
}

// DeleteEndorsement takes targetID off accountID's profile.
func (s *Store) DeleteEndorsement(ctx context.Context, accountID, targetID int64) error {
	return translate(s.conn(ctx).Where("account_id = ? AND target_account_id = ?", accountID, targetID).Delete(&models.AccountEndorsement{}).Error, "delete endorsement")
}

// stillFollowed keeps endorsements of accounts still followed: an
// endorsement ends with the follow, as on Mastodon.
const stillFollowed = `EXISTS (SELECT 1 FROM follows ef WHERE ef.account_id = account_endorsements.account_id
	AND ef.target_account_id = account_endorsements.target_account_id AND ef.accepted = ?)`

// Endorses reports whether accountID features targetID.
func (s *Store) Endorses(ctx context.Context, accountID, targetID int64) (bool, error) {
	var n int64
	err := s.conn(ctx).Model(&models.AccountEndorsement{}).Where("account_id = ? AND target_account_id = ?", accountID, targetID).
		Where(stillFollowed, true).Limit(1).Count(&n).Error
	return n > 0, translate(err, "endorses")
}

// Endorsements pages the accounts accountID features, newest first, paged
// by endorsement id; viewerID (0: anonymous) leaves out blocked accounts.
func (s *Store) Endorsements(ctx context.Context, accountID, viewerID int64, p Page) ([]AccountEntry, error) {
	q := s.conn(ctx).Table("account_endorsements").Select("account_endorsements.id AS entry_id, accounts.*").
		Joins("JOIN accounts ON accounts.id = account_endorsements.target_account_id").
		Where("account_endorsements.account_id = ?", accountID).Where(stillFollowed, true)
	return s.accountPage(ctx, q, "account_endorsements.id", viewerID, p, "endorsements")
}

// DismissSuggestion keeps targetID out of accountID's suggestions for good.
func (s *Store) DismissSuggestion(ctx context.Context, accountID, targetID int64, now time.Time) error {
	d := &models.SuggestionDismissal{ID: s.NewID(), CreatedAt: now, AccountID: accountID, TargetAccountID: targetID}
	return translate(s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(d).Error, "dismiss suggestion")
}

// FamiliarFollowers returns, for each of targetIDs, up to limit accounts
// that accountID follows and that follow it, oldest follow first.
func (s *Store) FamiliarFollowers(ctx context.Context, accountID int64, targetIDs []int64, limit int) (map[int64][]*models.Account, error) {
	out := make(map[int64][]*models.Account, len(targetIDs))
	for _, target := range targetIDs {
		var ids []int64
		err := s.conn(ctx).Table("follows AS f").Select("f.account_id").
			Joins("JOIN follows AS mine ON mine.target_account_id = f.account_id AND mine.account_id = ? AND mine.accepted = ?", accountID, true).
			Where("f.target_account_id = ? AND f.accepted = ? AND f.account_id <> ?", target, true, accountID).
			Order("f.id").Limit(limit).Pluck("f.account_id", &ids).Error
		if err != nil {
			return nil, translate(err, "familiar followers")
		}
		byID, err := s.AccountsByIDs(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if a := byID[id]; a != nil && a.SuspendedAt == nil {
				out[target] = append(out[target], a)
			}
		}
	}
	return out, nil
}

// DirectoryQuery selects the profile directory's accounts.
type DirectoryQuery struct {
	LocalOnly, RemoteOnly bool
	NewFirst              bool // else the most recently active first
	Offset, Limit         int
}

// Directory lists discoverable, unsuspended, unsilenced people (no
// instance or service actors), ordered as q says.
func (s *Store) Directory(ctx context.Context, q DirectoryQuery) ([]*models.Account, error) {
	db := s.conn(ctx).Model(&models.Account{}).
		Where("accounts.discoverable = ? AND accounts.suspended_at IS NULL AND accounts.silenced_at IS NULL AND accounts.actor_type = ?", true, models.ActorPerson)
	switch {
	case q.LocalOnly:
		db = db.Where("accounts.domain = ''")
	case q.RemoteOnly:
		db = db.Where("accounts.domain <> ''")
	}
	if q.NewFirst {
		db = db.Order("accounts.id DESC")
	} else {
		// Status ids grow with time: the newest last status is the most active.
		db = db.Joins("LEFT JOIN account_stats ast ON ast.account_id = accounts.id").
			Order("COALESCE(ast.last_status_id, 0) DESC").Order("accounts.id DESC")
	}
	var list []*models.Account
	err := db.Offset(q.Offset).Limit(q.Limit).Find(&list).Error
	return list, translate(err, "directory")
}

// WeekActivity is one week of the instance's local activity.
type WeekActivity struct {
	Statuses, Logins, Registrations int64
}

// InstanceActivity counts local statuses, signing-in accounts (a new web
// session or token) and sign-ups between from and to. Ids grow with time,
// so each count walks a primary-key range rather than the whole table.
func (s *Store) InstanceActivity(ctx context.Context, from, to time.Time) (WeekActivity, error) {
	var w WeekActivity
	lo, hi := from.UnixMilli()<<16, to.UnixMilli()<<16
	db := s.conn(ctx)
	if err := db.Model(&models.Status{}).Where("id >= ? AND id < ? AND local = ?", lo, hi, true).Count(&w.Statuses).Error; err != nil {
		return w, translate(err, "instance activity")
	}
	if err := db.Model(&models.User{}).Where("id >= ? AND id < ?", lo, hi).Count(&w.Registrations).Error; err != nil {
		return w, translate(err, "instance activity")
	}
	err := db.Raw(`SELECT COUNT(*) FROM (SELECT account_id FROM web_sessions WHERE id >= ? AND id < ?
		UNION SELECT account_id FROM tokens WHERE account_id IS NOT NULL AND id >= ? AND id < ?) AS signed_in`,
		lo, hi, lo, hi).Scan(&w.Logins).Error
	return w, translate(err, "instance activity")
}

// BlocksAccountOrDomain reports whether accountID blocks targetID or
// blocked the domain targetID is on.
func (s *Store) BlocksAccountOrDomain(ctx context.Context, accountID, targetID int64) (bool, error) {
	var n int64
	err := s.conn(ctx).Raw(`SELECT COUNT(*) FROM (SELECT 1 AS x FROM blocks WHERE account_id = ? AND target_account_id = ?
		UNION ALL SELECT 1 FROM account_domain_blocks adb JOIN accounts da ON da.domain = adb.domain WHERE adb.account_id = ? AND da.id = ?) AS b`,
		accountID, targetID, accountID, targetID).Scan(&n).Error
	return n > 0, translate(err, "blocks account or domain")
}

// Setting returns one stored instance setting; ErrNotFound when an admin
// never saved it.
func (s *Store) Setting(ctx context.Context, key string) (models.InstanceSetting, error) {
	var st models.InstanceSetting
	err := s.conn(ctx).Where(`"key" = ?`, key).Take(&st).Error
	return st, translate(err, "instance setting")
}
