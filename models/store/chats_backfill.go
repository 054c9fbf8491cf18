package store

import "gorm.io/gorm"

// backfillChats makes chats of the direct conversations stored before
// chats existed (migration step 8): every direct status is filed in the
// conversation of its thread, its author and addressees become members
// (joined with their first message there), and conversations read up to
// now keep their read marker at their last status.
func backfillChats(tx *gorm.DB) error {
	steps := []string{
		`INSERT INTO conversation_messages (conversation_id, status_id, account_id, event)
		SELECT c.id, s.id, s.account_id, '' FROM statuses s
		JOIN (SELECT context_uri, MIN(id) AS id FROM conversations GROUP BY context_uri) c ON c.context_uri = s.context_uri
		WHERE s.visibility = 'direct' AND s.reblog_of_id IS NULL
		AND NOT EXISTS (SELECT 1 FROM conversation_messages x WHERE x.conversation_id = c.id AND x.status_id = s.id)`,
		`INSERT INTO chat_members (conversation_id, account_id, joined_at)
		SELECT p.conversation_id, p.account_id, MIN(p.created_at) FROM (
			SELECT cm.conversation_id, s.account_id, s.created_at FROM conversation_messages cm JOIN statuses s ON s.id = cm.status_id
			UNION ALL
			SELECT cm.conversation_id, m.account_id, s.created_at FROM conversation_messages cm
			JOIN mentions m ON m.status_id = cm.status_id JOIN statuses s ON s.id = cm.status_id
		) p
		WHERE NOT EXISTS (SELECT 1 FROM chat_members x WHERE x.conversation_id = p.conversation_id AND x.account_id = p.account_id)
		GROUP BY p.conversation_id, p.account_id`,
		`UPDATE account_conversations SET last_read_id = last_status_id WHERE unread = false AND last_read_id = 0`,
	}
	for _, q := range steps {
		if err := tx.Exec(q).Error; err != nil {
			return err
		}
	}
	return nil
}
