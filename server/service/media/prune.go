package media

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// PruneReport is what Prune removed, or would remove on a dry run: file
// names under the media directory and attachment ids.
type PruneReport struct {
	OrphanUploads []int64  // uploads never attached to a status (rows and files deleted)
	RemoteCached  []int64  // remote attachments whose stored copy goes (rows kept)
	StrayFiles    []string // files no attachment names
	Files         []string // every file deleted
	Bytes         int64
}

// Prune removes media older than cutoff that nothing shows: local uploads
// never attached to a status, stored copies of remote media (the remote URL
// stays, so clients load it from its server), and files in dir that no
// attachment names. With dryRun it only reports.
func (s *Service) Prune(ctx context.Context, dir string, cutoff time.Time, dryRun bool) (*PruneReport, error) {
	orphans, cached, err := s.store.PrunableMedia(ctx, cutoff)
	if err != nil {
		return nil, fmt.Errorf("prune media: %w", err)
	}
	rep := &PruneReport{}
	remove := func(name string) {
		if name == "" {
			return
		}
		path := filepath.Join(dir, filepath.Base(name))
		info, err := os.Stat(path)
		if err != nil {
			return
		}
		rep.Files = append(rep.Files, name)
		rep.Bytes += info.Size()
		if !dryRun {
			if err := os.Remove(path); err != nil {
				s.log.Warn("prune media: remove file", slog.String("file", path), slog.Any("error", err))
			}
		}
	}
	for _, m := range orphans {
		if !dryRun {
			gone, err := s.store.DeleteOrphanMedia(ctx, m.ID)
			if err != nil {
				return rep, fmt.Errorf("prune media: %w", err)
			}
			if !gone {
				continue // attached to a status since it was listed
			}
		}
		rep.OrphanUploads = append(rep.OrphanUploads, m.ID)
		remove(m.File)
		remove(m.PreviewFile)
	}
	for _, m := range cached {
		if !dryRun {
			if err := s.store.ForgetMediaFiles(ctx, m.ID); err != nil {
				return rep, fmt.Errorf("prune media: %w", err)
			}
		}
		rep.RemoteCached = append(rep.RemoteCached, m.ID)
		remove(m.File)
		remove(m.PreviewFile)
	}
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return rep, fmt.Errorf("prune media: %w", err)
	}
	for _, e := range entries {
		// Dot files are uploads being written (writeFileAtomic).
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		info, err := e.Info()
		if err != nil || !info.ModTime().Before(cutoff) || slices.Contains(rep.Files, e.Name()) {
			continue
		}
		used, err := s.store.MediaFileReferenced(ctx, e.Name())
		if err != nil {
			return rep, fmt.Errorf("prune media: %w", err)
		}
		if !used {
			rep.StrayFiles = append(rep.StrayFiles, e.Name())
			remove(e.Name())
		}
	}
	return rep, nil
}
