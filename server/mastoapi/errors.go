package mastoapi

import (
	"errors"
	"net/http"
	"plaza/server/service/core"
	"strings"

	"github.com/gin-gonic/gin"
)

// writeError maps a service error to Mastodon's status and {"error": "..."}
// body, in one place.
func writeError(c *gin.Context, err error) {
	status, msg := http.StatusInternalServerError, "Internal server error"
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		status, msg = http.StatusRequestEntityTooLarge, "Request entity too large"
	case errors.Is(err, core.ErrValidation), errors.Is(err, core.ErrConflict):
		status, msg = http.StatusUnprocessableEntity, "Validation failed: "+clientMessage(err)
	case errors.Is(err, core.ErrNotFound):
		status, msg = http.StatusNotFound, "Record not found"
	case errors.Is(err, core.ErrForbidden):
		status, msg = http.StatusForbidden, "This action is not allowed"
		if m := clientMessage(err); m != "" {
			msg = m
		}
	case errors.Is(err, core.ErrUnauthorized):
		status, msg = http.StatusUnauthorized, "The access token is invalid"
	}
	if status == http.StatusInternalServerError {
		_ = c.Error(err)
	}
	c.AbortWithStatusJSON(status, gin.H{"error": msg})
}

// writeErrorStatus answers with a status and message of the handler's own.
func writeErrorStatus(c *gin.Context, status int, msg string) {
	c.AbortWithStatusJSON(status, gin.H{"error": msg})
}

// clientMessage is the part of a service error after its sentinel, e.g.
// "username is taken" from "validation failed: username is taken"; service
// errors are written to be shown to users.
func clientMessage(err error) string {
	msg := err.Error()
	for _, sentinel := range []error{core.ErrValidation, core.ErrConflict, core.ErrForbidden, core.ErrNotFound} {
		prefix := sentinel.Error() + ": "
		if i := strings.Index(msg, prefix); i >= 0 {
			return msg[i+len(prefix):]
		}
	}
	return msg
}

// reply answers 200 with v, or err as the API's error when there is one.
func reply[T any](c *gin.Context, v T, err error) {
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}
