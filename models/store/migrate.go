package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"plaza/models"
)

// migration is one versioned schema step. Steps run in order, each in its own
// transaction, and are recorded in schema_migrations. Never edit a step that
// has shipped; add a new one. Steps that create tables use gorm's migrator on
// the current structs, so a later step that adds a column must check
// HasColumn first (a fresh database already has it).
type migration struct {
	version int
	name    string
	up      func(tx *gorm.DB) error
}

var migrations = []migration{
	{1, "accounts, users, tokens, inbox activities", func(tx *gorm.DB) error {
		return tx.Migrator().AutoMigrate(&models.Account{}, &models.User{}, &models.Token{}, &models.InboxActivity{})
	}},
	{2, "statuses, follows, interactions, notifications, conversations, delivery queue", func(tx *gorm.DB) error {
		return tx.Migrator().AutoMigrate(
			&models.Status{}, &models.StatusEdit{}, &models.Mention{}, &models.Tag{}, &models.StatusTag{},
			&models.MediaAttachment{}, &models.Follow{}, &models.Favourite{}, &models.Block{},
			&models.Notification{}, &models.Conversation{}, &models.AccountConversation{},
			&models.Delivery{}, &models.InstanceHealth{},
		)
	}},
	{3, "client API: apps, codes, bookmarks, mutes, markers, idempotency keys, profile fields, media files", func(tx *gorm.DB) error {
		return tx.Migrator().AutoMigrate(
			&models.OAuthApp{}, &models.OAuthCode{}, &models.Bookmark{}, &models.Mute{}, &models.Marker{},
			&models.IdempotencyKey{}, &models.Account{}, &models.Token{}, &models.MediaAttachment{},
		)
	}},
	{4, "web sessions", func(tx *gorm.DB) error {
		return tx.Migrator().AutoMigrate(&models.WebSession{})
	}},
	{5, "payments", func(tx *gorm.DB) error {
		return tx.Migrator().AutoMigrate(&models.Payment{}, &models.PaymentEvent{}, &models.StripeAccount{}, &models.WebhookEvent{})
	}},
	{6, "domain blocks and instance settings", func(tx *gorm.DB) error {
		return tx.Migrator().AutoMigrate(&models.DomainBlock{}, &models.InstanceSetting{})
	}},
	{7, "payment refunds reserved before the provider is called", func(tx *gorm.DB) error {
		return tx.Migrator().AutoMigrate(&models.PaymentRefund{})
	}},
	{8, "chats: members, names, messages, read markers, message requests", func(tx *gorm.DB) error {
		if err := tx.Migrator().AutoMigrate(&models.Conversation{}, &models.AccountConversation{},
			&models.ChatMember{}, &models.ConversationMessage{}, &models.MessageRequest{}); err != nil {
			return err
		}
		return backfillChats(tx)
	}},
	{9, "payment requests and splits; payments tied to requests and chat messages", func(tx *gorm.DB) error {
		return tx.Migrator().AutoMigrate(&models.PaymentRequest{}, &models.PaymentSplit{}, &models.Payment{})
	}},
	{10, "account counters in rows, boost lookup by (status, account)", migrateAccountStats},
	{11, "full-text search of statuses", createStatusSearch},
	{13, "lists", func(tx *gorm.DB) error {
		return tx.Migrator().AutoMigrate(&models.List{}, &models.ListAccount{})
	}},
	{20, "supporter tiers, subscriptions and their invoices", sqlStep("0020_supporters")},
}

// schemaMigration is the bookkeeping row of one applied step.
type schemaMigration struct {
	Version   int `gorm:"primaryKey;autoIncrement:false"`
	Name      string
	AppliedAt time.Time
}

func (schemaMigration) TableName() string { return "schema_migrations" }

// Migrate applies every step not yet applied. Several processes may call it
// at once: on PostgreSQL an advisory lock serialises them.
func (s *Store) Migrate(ctx context.Context) error {
	db := s.conn(ctx)
	if err := db.Migrator().AutoMigrate(&schemaMigration{}); err != nil {
		return fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	// Fast path: a database that has every step needs no lock, so processes
	// starting on an up-to-date database never wait for one another.
	var applied []int
	if err := db.Model(&schemaMigration{}).Pluck("version", &applied).Error; err != nil {
		return fmt.Errorf("migrate: read schema_migrations: %w", err)
	}
	done := make(map[int]bool, len(applied))
	for _, v := range applied {
		done[v] = true
	}
	for _, m := range migrations {
		if done[m.version] {
			continue
		}
		err := db.Transaction(func(tx *gorm.DB) error {
			if s.driver == DriverPostgres {
				// One lock per schema: processes migrating one database wait
				// for each other, test schemas side by side do not.
				if err := tx.Exec("SELECT pg_advisory_xact_lock(74327001, hashtext(current_schema()))").Error; err != nil {
					return fmt.Errorf("lock: %w", err)
				}
			}
			var n int64
			if err := tx.Model(&schemaMigration{}).Where("version = ?", m.version).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if err := m.up(tx); err != nil {
				return err
			}
			return tx.Create(&schemaMigration{Version: m.version, Name: m.name, AppliedAt: time.Now().UTC()}).Error
		})
		if err != nil {
			return fmt.Errorf("migrate: step %d (%s): %w", m.version, m.name, err)
		}
	}
	return nil
}

// SchemaVersion returns the highest applied migration, 0 on an empty database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v *int
	if err := s.conn(ctx).Model(&schemaMigration{}).Select("MAX(version)").Scan(&v).Error; err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	if v == nil {
		return 0, nil
	}
	return *v, nil
}
