ALTER TABLE media_attachments ADD COLUMN processing character varying(16) DEFAULT ''::character varying NOT NULL;
ALTER TABLE media_attachments ADD COLUMN processing_at timestamp with time zone;
ALTER TABLE media_attachments ADD COLUMN duration numeric DEFAULT 0 NOT NULL;
ALTER TABLE media_attachments ADD COLUMN frame_rate character varying(32) DEFAULT ''::character varying NOT NULL;
CREATE INDEX idx_media_attachments_processing ON media_attachments USING btree (processing);
