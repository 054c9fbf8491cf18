package media

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/buckket/go-blurhash"

	"plaza/server/service/core"
)

// AVTools are the programs video and audio go through: ffprobe reads what
// a file holds, ffmpeg strips its metadata, converts what browsers cannot
// play and draws a video's thumbnail. Empty paths mean they are not
// installed, and video and audio uploads are refused with a clear error.
type AVTools struct {
	FFmpeg, FFprobe string
}

// FindAVTools looks ffmpeg and ffprobe up on PATH (or at the paths given);
// a missing one leaves both empty.
func FindAVTools(ffmpeg, ffprobe string) AVTools {
	a, err1 := exec.LookPath(ffmpeg)
	b, err2 := exec.LookPath(ffprobe)
	if err1 != nil || err2 != nil {
		return AVTools{}
	}
	return AVTools{FFmpeg: a, FFprobe: b}
}

// Installed tells whether video and audio can be processed.
func (t AVTools) Installed() bool { return t.FFmpeg != "" && t.FFprobe != "" }

// MimeTypes are the video and audio types uploads take (none when the
// tools are not installed), for the instance's supported_mime_types.
func (t AVTools) MimeTypes() []string {
	if !t.Installed() {
		return nil
	}
	return []string{"video/mp4", "video/quicktime", "video/webm", "video/x-matroska", "video/3gpp",
		"audio/mpeg", "audio/mp4", "audio/ogg", "audio/opus", "audio/flac", "audio/wav", "audio/x-wav"}
}

// AV limits, as Mastodon announces them to clients.
const (
	// MaxVideoPixels is Mastodon's video_matrix_limit (1920×1200).
	MaxVideoPixels = 2304000
	// MaxVideoFrameRate is Mastodon's video_frame_rate_limit.
	MaxVideoFrameRate = 120
	// maxAVSeconds bounds a video or audio's length.
	maxAVSeconds = 3 * 60 * 60
	// probeTimeout and convertTimeout bound one ffprobe and one ffmpeg run.
	probeTimeout   = 30 * time.Second
	convertTimeout = 10 * time.Minute
)

// avFormat is a container Plaza takes, recognised by its first bytes. The
// demuxer is named to ffmpeg, so it never guesses one from the content (a
// playlist or concat script could make it read other files).
type avFormat struct {
	kind    string // video or audio
	demuxer string
}

// sniffAV recognises the video and audio containers Plaza takes.
func sniffAV(data []byte) (avFormat, bool) {
	has := func(off int, magic string) bool {
		return len(data) >= off+len(magic) && string(data[off:off+len(magic)]) == magic
	}
	switch {
	case has(4, "ftyp"):
		brand := ""
		if len(data) >= 12 {
			brand = string(data[8:12])
		}
		if strings.HasPrefix(brand, "M4A") || strings.HasPrefix(brand, "M4B") {
			return avFormat{"audio", "mov"}, true
		}
		return avFormat{"video", "mov"}, true // mp4, mov, m4v, 3gp
	case has(0, "\x1a\x45\xdf\xa3"):
		return avFormat{"video", "matroska"}, true // WebM, Matroska
	case has(0, "OggS"):
		return avFormat{"audio", "ogg"}, true
	case has(0, "fLaC"):
		return avFormat{"audio", "flac"}, true
	case has(0, "RIFF") && has(8, "WAVE"):
		return avFormat{"audio", "wav"}, true
	case has(0, "ID3"), len(data) > 2 && data[0] == 0xff && data[1]&0xe0 == 0xe0:
		return avFormat{"audio", "mp3"}, true
	}
	return avFormat{}, false
}

// probe is what ffprobe says of a file.
type probe struct {
	Streams []struct {
		CodecType    string `json:"codec_type"`
		CodecName    string `json:"codec_name"`
		Width        int    `json:"width"`
		Height       int    `json:"height"`
		AvgFrameRate string `json:"avg_frame_rate"`
		Disposition  struct {
			AttachedPic int `json:"attached_pic"`
		} `json:"disposition"`
	} `json:"streams"`
	Format struct {
		Duration string `json:"duration"`
	} `json:"format"`
}

// avInfo is a checked probe: the first video and audio streams.
type avInfo struct {
	video, audio  string // codec names, "" when absent
	width, height int
	frameRate     string
	duration      float64
}

func (t AVTools) probe(ctx context.Context, f avFormat, path string) (*avInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, t.FFprobe, "-v", "error", "-f", f.demuxer, "-print_format", "json",
		"-show_format", "-show_streams", "file:"+path).Output()
	if err != nil {
		return nil, fmt.Errorf("%w: the file cannot be read as video or audio", core.ErrValidation)
	}
	var p probe
	if err := json.Unmarshal(out, &p); err != nil {
		return nil, fmt.Errorf("probe media: %w", err)
	}
	info := &avInfo{}
	info.duration, _ = strconv.ParseFloat(p.Format.Duration, 64)
	for _, s := range p.Streams {
		switch {
		case s.CodecType == "video" && s.Disposition.AttachedPic == 0 && info.video == "":
			info.video, info.width, info.height, info.frameRate = s.CodecName, s.Width, s.Height, s.AvgFrameRate
		case s.CodecType == "audio" && info.audio == "":
			info.audio = s.CodecName
		}
	}
	return info, info.check(f)
}

// check refuses what Plaza does not serve: a "video" without a picture,
// audio without sound, too many pixels or frames, or too long.
func (i *avInfo) check(f avFormat) error {
	bad := func(msg string, args ...any) error {
		return fmt.Errorf("%w: "+msg, append([]any{core.ErrValidation}, args...)...)
	}
	if f.kind == "video" && i.video == "" && i.audio != "" {
		f.kind = "audio" // an MP4 of sound only
	}
	switch {
	case f.kind == "video" && i.video == "":
		return bad("the video has no picture")
	case f.kind == "audio" && i.audio == "":
		return bad("the audio file has no sound")
	case i.width*i.height > MaxVideoPixels:
		return bad("the video is larger than %d pixels (%dx%d)", MaxVideoPixels, i.width, i.height)
	case frameRate(i.frameRate) > MaxVideoFrameRate:
		return bad("the video has more than %d frames a second", MaxVideoFrameRate)
	case i.duration <= 0 || i.duration > maxAVSeconds:
		return bad("the length must be between 0 and %d seconds", maxAVSeconds)
	}
	return nil
}

// kind is video when there is a picture, else audio.
func (i *avInfo) kind() string {
	if i.video != "" {
		return "video"
	}
	return "audio"
}

// frameRate reads ffprobe's "30000/1001".
func frameRate(s string) float64 {
	n, d, ok := strings.Cut(s, "/")
	num, err1 := strconv.ParseFloat(n, 64)
	den, err2 := strconv.ParseFloat(d, 64)
	if !ok || err1 != nil || err2 != nil || den == 0 {
		return 0
	}
	return num / den
}

// avOutput is how a probed file is stored: copied as it is (without its
// metadata) when every browser plays it, else converted to H.264/AAC MP4
// or to MP3.
type avOutput struct {
	ext, mimeType string
	args          []string // ffmpeg's codec options
}

func (i *avInfo) output() avOutput {
	strip := []string{"-map_metadata", "-1", "-map_chapters", "-1"}
	copyAll := append([]string{"-c", "copy"}, strip...)
	if i.video != "" {
		maps := []string{"-map", "0:v:0", "-map", "0:a:0?"}
		switch {
		case i.video == "h264" && (i.audio == "" || i.audio == "aac"):
			return avOutput{"mp4", "video/mp4", append(append(maps, copyAll...), "-movflags", "+faststart")}
		case (i.video == "vp8" || i.video == "vp9" || i.video == "av1") && (i.audio == "" || i.audio == "opus" || i.audio == "vorbis"):
			return avOutput{"webm", "video/webm", append(maps, copyAll...)}
		}
		return avOutput{"mp4", "video/mp4", append(append(maps, strip...), "-c:v", "libx264", "-preset", "veryfast", "-crf", "23",
			"-pix_fmt", "yuv420p", "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2", "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart")}
	}
	maps := []string{"-map", "0:a:0", "-vn"}
	switch i.audio {
	case "mp3":
		return avOutput{"mp3", "audio/mpeg", append(maps, copyAll...)}
	case "vorbis", "opus":
		return avOutput{"ogg", "audio/ogg", append(maps, copyAll...)}
	case "aac":
		return avOutput{"m4a", "audio/mp4", append(append(maps, copyAll...), "-movflags", "+faststart")}
	}
	return avOutput{"mp3", "audio/mpeg", append(append(maps, strip...), "-c:a", "libmp3lame", "-q:a", "2")}
}

// convert writes the stored copy of in to out (format given by its name).
func (t AVTools) convert(ctx context.Context, f avFormat, in, out string, o avOutput) error {
	ctx, cancel := context.WithTimeout(ctx, convertTimeout)
	defer cancel()
	args := append([]string{"-nostdin", "-v", "error", "-threads", "1", "-f", f.demuxer, "-i", "file:" + in}, o.args...)
	cmd := exec.CommandContext(ctx, t.FFmpeg, append(args, "-y", "file:"+out)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%w: the file cannot be converted (%s)", core.ErrValidation, firstLine(stderr.String()))
	}
	return nil
}

// thumbnail draws a video's first frame as a JPEG at most thumbnailSide
// wide and returns it with its blurhash.
func (t AVTools) thumbnail(ctx context.Context, video string) (thumb []byte, hash string, err error) {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	scale := fmt.Sprintf("scale='min(%d,iw)':-2", thumbnailSide)
	out, err := exec.CommandContext(ctx, t.FFmpeg, "-nostdin", "-v", "error", "-threads", "1", "-i", "file:"+video,
		"-frames:v", "1", "-vf", scale, "-f", "image2", "-c:v", "mjpeg", "pipe:1").Output()
	if err != nil || len(out) == 0 {
		return nil, "", fmt.Errorf("%w: no picture could be taken from the video", core.ErrValidation)
	}
	img, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		return nil, "", fmt.Errorf("video thumbnail: %w", err)
	}
	if hash, err = blurhash.Encode(4, 3, img); err != nil {
		return nil, "", fmt.Errorf("video thumbnail: blurhash: %w", err)
	}
	return out, hash, nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

// incomingName is where an upload waits for processing: a dot file, which
// /media/ never serves and media prune leaves to the upload's row.
func incomingName(stem string) string { return ".incoming-" + stem }

// removeAll deletes the named files under dir; ones not there are fine.
func removeAll(dir string, names ...string) {
	for _, n := range names {
		if n != "" {
			_ = os.Remove(filepath.Join(dir, filepath.Base(n)))
		}
	}
}
