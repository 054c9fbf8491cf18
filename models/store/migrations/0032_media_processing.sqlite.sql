ALTER TABLE `media_attachments` ADD COLUMN `processing` text NOT NULL DEFAULT "";
ALTER TABLE `media_attachments` ADD COLUMN `processing_at` datetime;
ALTER TABLE `media_attachments` ADD COLUMN `duration` real NOT NULL DEFAULT 0;
ALTER TABLE `media_attachments` ADD COLUMN `frame_rate` text NOT NULL DEFAULT "";
CREATE INDEX `idx_media_attachments_processing` ON `media_attachments`(`processing`);
