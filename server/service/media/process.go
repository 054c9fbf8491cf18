package media

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// processingLease is how long a server holds an upload it processes; a
// server that died with one leaves it to another after this.
const processingLease = convertTimeout + 5*time.Minute

// uploadAV stores a video or audio upload as it came, under a name never
// served, with a row waiting for processing. With cfg.Async it returns at
// once (the processor finishes it); else it processes now and returns the
// finished attachment, leaving nothing behind when that fails.
func (s *Service) uploadAV(ctx context.Context, cfg MediaConfig, m *models.MediaAttachment, data []byte) (*models.MediaAttachment, error) {
	if !cfg.AV.Installed() {
		return nil, fmt.Errorf("%w: this server cannot take video or audio (ffmpeg is not installed): upload an image", core.ErrValidation)
	}
	stem, err := core.RandomToken()
	if err != nil {
		return nil, fmt.Errorf("upload media: %w", err)
	}
	if err := os.MkdirAll(cfg.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("upload media: %w", err)
	}
	m.File, m.Processing = incomingName(stem), models.MediaProcessing
	if err := writeFileAtomic(filepath.Join(cfg.Dir, m.File), data); err != nil {
		return nil, fmt.Errorf("upload media: %w", err)
	}
	now := s.clock.Now()
	if !cfg.Async {
		m.ProcessingAt = &now // held by this request from the start
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		m.ID = tx.NewID()
		return tx.CreateMediaAttachment(ctx, m)
	})
	if err != nil {
		removeAll(cfg.Dir, m.File)
		return nil, fmt.Errorf("upload media: %w", err)
	}
	if cfg.Async {
		s.wakeProcessor()
		return m, nil
	}
	if err := s.processAV(ctx, cfg, m); err != nil {
		if _, derr := s.store.DeleteOrphanMedia(ctx, m.ID); derr != nil {
			s.log.WarnContext(ctx, "upload media: forget failed upload", "media_id", m.ID, "error", derr.Error())
		}
		return nil, err
	}
	return m, nil
}

// processAV probes an upload waiting in m.File, stores its served copy
// (and a video's thumbnail) and marks it ready, or failed.
func (s *Service) processAV(ctx context.Context, cfg MediaConfig, m *models.MediaAttachment) error {
	in := filepath.Join(cfg.Dir, m.File)
	stem := strings.TrimPrefix(m.File, incomingName(""))
	err := s.convertAV(ctx, cfg, m, in, stem)
	if err != nil {
		removeAll(cfg.Dir, stem+".mp4", stem+".webm", stem+".mp3", stem+".ogg", stem+".m4a", stem+"_small.jpg")
		m.Processing, m.File = models.MediaProcessingFailed, ""
		s.log.InfoContext(ctx, "media processing failed", "media_id", m.ID, "error", err.Error())
	}
	m.ProcessingAt = nil
	if ferr := s.store.FinishMediaProcessing(ctx, m); ferr != nil {
		return fmt.Errorf("process media: %w", ferr)
	}
	removeAll(cfg.Dir, filepath.Base(in))
	return err
}

func (s *Service) convertAV(ctx context.Context, cfg MediaConfig, m *models.MediaAttachment, in, stem string) error {
	f, err := sniffFile(in)
	if err != nil {
		return err
	}
	info, err := cfg.AV.probe(ctx, f, in)
	if err != nil {
		return err
	}
	o := info.output()
	out := stem + "." + o.ext
	if err := cfg.AV.convert(ctx, f, in, filepath.Join(cfg.Dir, out), o); err != nil {
		return err
	}
	m.Type, m.MimeType, m.File, m.URL = info.kind(), o.mimeType, out, s.MediaURL(out)
	m.Width, m.Height, m.Duration, m.FrameRate = info.width, info.height, info.duration, info.frameRate
	if m.Type == "video" {
		thumb, hash, err := cfg.AV.thumbnail(ctx, filepath.Join(cfg.Dir, out))
		if err != nil {
			return err
		}
		m.PreviewFile, m.Blurhash = stem+"_small.jpg", hash
		if err := writeFileAtomic(filepath.Join(cfg.Dir, m.PreviewFile), thumb); err != nil {
			return fmt.Errorf("process media: %w", err)
		}
		m.PreviewURL = s.MediaURL(m.PreviewFile)
	}
	m.Processing = ""
	return nil
}

// sniffFile recognises the container of a stored upload from its first bytes.
func sniffFile(path string) (avFormat, error) {
	fh, err := os.Open(path)
	if err != nil {
		return avFormat{}, fmt.Errorf("process media: %w", err)
	}
	defer fh.Close()
	head := make([]byte, 64)
	n, _ := io.ReadFull(fh, head)
	f, ok := sniffAV(head[:n])
	if !ok {
		return avFormat{}, fmt.Errorf("%w: not a video or audio file", core.ErrValidation)
	}
	return f, nil
}

// ProcessWaiting processes the uploads waiting for it (the oldest first,
// a few at a time) and returns how many it finished; safe to run in
// several processes at once (each upload is claimed).
func (s *Service) ProcessWaiting(ctx context.Context, cfg MediaConfig) (int, error) {
	now := s.clock.Now()
	waiting, err := s.store.MediaWaiting(ctx, now.Add(-processingLease), 10)
	if err != nil {
		return 0, fmt.Errorf("process media: %w", err)
	}
	done := 0
	for i := range waiting {
		m := &waiting[i]
		ok, err := s.store.ClaimMediaProcessing(ctx, m.ID, now, now.Add(-processingLease))
		if err != nil {
			return done, fmt.Errorf("process media: %w", err)
		}
		if !ok {
			continue
		}
		if !cfg.AV.Installed() {
			m.Processing, m.ProcessingAt = models.MediaProcessingFailed, nil
			if ferr := s.store.FinishMediaProcessing(ctx, m); ferr != nil {
				return done, fmt.Errorf("process media: %w", ferr)
			}
			continue
		}
		if err := s.processAV(ctx, cfg, m); err == nil {
			done++
		}
	}
	return done, nil
}

// RunProcessor processes waiting uploads until ctx ends: whenever an
// upload asks for it, and every interval (uploads a stopped server left).
func (s *Service) RunProcessor(ctx context.Context, cfg MediaConfig, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := s.ProcessWaiting(ctx, cfg); err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "media processing", slog.Any("error", err))
		} else if n > 0 {
			s.log.InfoContext(ctx, "media processed", slog.Int("count", n))
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-t.C:
		}
	}
}

// wakeProcessor tells RunProcessor an upload waits (without blocking: one
// pending wake-up is enough).
func (s *Service) wakeProcessor() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}
