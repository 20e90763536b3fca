package intercom

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// redacted replaces a secret in printed or logged text.
const redacted = "[REDACTED]"

// bearerToken returns the token of an "Authorization: Bearer <token>"
// header, or "".
func bearerToken(h http.Header) string {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h.Get("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// secretForms returns the spellings of token worth hiding: as sent, and
// escaped as a proxy might echo it in a query or path.
func secretForms(token string) []string {
	if token == "" {
		return nil
	}
	forms := []string{token}
	for _, f := range []string{url.QueryEscape(token), url.PathEscape(token)} {
		if f != token && (len(forms) == 1 || forms[1] != f) {
			forms = append(forms, f)
		}
	}
	return forms
}

// longSecret is the length from which a secret is hidden wherever it
// occurs; a shorter one only where it stands alone, so that a short test
// token "tok" does not turn "token" into "[REDACTED]en".
const longSecret = 16

// redactSecrets replaces every occurrence of the secrets in s, leaving the
// text around them as it was; then hides anything that still looks like a
// bearer credential.
func redactSecrets(s string, secrets []string) string {
	for _, sec := range secrets {
		if sec == "" || !strings.Contains(s, sec) {
			continue
		}
		if len(sec) >= longSecret {
			s = strings.ReplaceAll(s, sec, redacted)
			continue
		}
		var b strings.Builder
		rest := s
		for {
			i := strings.Index(rest, sec)
			if i < 0 {
				b.WriteString(rest)
				break
			}
			end := i + len(sec)
			alone := (i == 0 || !wordByte(rest[i-1])) && (end == len(rest) || !wordByte(rest[end]))
			b.WriteString(rest[:i])
			if alone {
				b.WriteString(redacted)
			} else {
				b.WriteString(sec)
			}
			rest = rest[end:]
		}
		s = b.String()
	}
	return redactBearer(s)
}

func wordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// bearerRE matches what may be a bearer credential whose value is not
// known here: the word Bearer, a separator, then token characters.
var bearerRE = regexp.MustCompile(`(?i)\b(bearer)([\s:+=]+)([A-Za-z0-9._~+/=-]+)`)

// redactBearer hides anything that looks like a bearer token, in case a
// proxy echoes a credential in its error page: a value after "Bearer" that
// is long or mixes in digits, as tokens do. Prose such as "the bearer token
// is not valid" is left alone.
func redactBearer(s string) string {
	if !strings.Contains(strings.ToLower(s), "bearer") {
		return s
	}
	return bearerRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := bearerRE.FindStringSubmatch(m)
		val := sub[3]
		if len(val) >= 20 || len(val) >= 6 && strings.ContainsAny(val, "0123456789") {
			return sub[1] + sub[2] + redacted
		}
		return m
	})
}

// redactor hides the given secrets. It is a function so that printing a
// value holding one (with %v or %#v) shows an address, never the secret.
type redactor func(string) string

func newRedactor(token string) redactor {
	forms := secretForms(token)
	return func(s string) string { return redactSecrets(s, forms) }
}

func (r redactor) apply(s string) string {
	if r == nil {
		return redactBearer(s)
	}
	return r(s)
}
