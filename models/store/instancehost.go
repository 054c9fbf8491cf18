package store

import (
	"context"
	"net/url"
	"time"

	"gorm.io/gorm/clause"

	"plaza/models"
)

// hostSettingKey is the instance_settings row holding the host every local
// ActivityPub id was built with.
const hostSettingKey = "host"

// ClaimHost returns the host this database belongs to, recording host as
// that host first if none is recorded yet. A database from before the
// record existed claims the host of its oldest local account's id instead,
// so a mismatch is found there too. Concurrent callers agree: the first
// insert wins.
func (s *Store) ClaimHost(ctx context.Context, host string, at time.Time) (string, error) {
	var row models.InstanceSetting
	err := s.conn(ctx).Where("key = ?", hostSettingKey).Limit(1).Find(&row).Error
	if err != nil {
		return "", translate(err, "instance host")
	}
	if row.Key != "" {
		return row.Value, nil
	}
	claim := host
	var uris []string
	err = s.conn(ctx).Model(&models.Account{}).Where("domain = ''").Order("id").Limit(1).Pluck("uri", &uris).Error
	if err != nil {
		return "", translate(err, "instance host")
	}
	if len(uris) == 1 {
		if u, err := url.Parse(uris[0]); err == nil && u.Host != "" {
			claim = u.Host
		}
	}
	err = s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&models.InstanceSetting{Key: hostSettingKey, Value: claim, UpdatedAt: at}).Error
	if err != nil {
		return "", translate(err, "record instance host")
	}
	if err := s.conn(ctx).Where("key = ?", hostSettingKey).Take(&row).Error; err != nil {
		return "", translate(err, "instance host")
	}
	return row.Value, nil
}
