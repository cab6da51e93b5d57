package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/phoenix-eap/phoenix"
)

// maxBody is the largest request body Phoenix reads, apart from file uploads.
const maxBody = 1 << 20

// decode fills dst, a pointer to a struct of string fields with json tags, from a JSON
// body or a form. A JSON body may give a field as a string, a number or a boolean,
// kept as its text so that the service checks both kinds of client with the same
// rules. Every field must be valid UTF-8 without NUL characters, which PostgreSQL
// cannot store in text.
func decode(w http.ResponseWriter, r *http.Request, dst any) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if isJSONBody(r) {
		return decodeJSON(r.Body, dst)
	}
	if err := r.ParseForm(); err != nil {
		return bodyError(err, "The form could not be read.")
	}
	return fill(dst, func(name string) (string, error) { return r.PostForm.Get(name), nil })
}

func decodeJSON(body io.Reader, dst any) error {
	dec := json.NewDecoder(body)
	dec.UseNumber()
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil {
		return bodyError(err, "The request body must be one JSON object.")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return phoenix.Errorf(phoenix.EINVALID,
			"The request body must hold one JSON object and nothing after it.")
	}
	return fill(dst, func(name string) (string, error) { return jsonText(name, raw[name]) })
}

// bodyError turns a failure to read the body into a message for the client: too large,
// or not readable.
func bodyError(err error, msg string) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return phoenix.Errorf(phoenix.ETOOLARGE, "The request body is larger than %d bytes.",
			tooLarge.Limit)
	}
	return phoenix.Errorf(phoenix.EINVALID, "%s", msg)
}

func jsonText(name string, v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	case bool:
		return strconv.FormatBool(x), nil
	}
	msg := fmt.Sprintf("%s must be a string, a number or true/false.", name)
	return "", &phoenix.Error{Code: phoenix.EINVALID, Message: msg,
		Fields: map[string]string{name: msg}}
}

func fill(dst any, get func(string) (string, error)) error {
	v := reflect.ValueOf(dst).Elem()
	t := v.Type()
	var bad phoenix.Validation
	for i := range t.NumField() {
		f := t.Field(i)
		name := f.Tag.Get("json")
		if name == "" || name == "-" || f.Type.Kind() != reflect.String {
			continue
		}
		text, err := get(name)
		if err != nil {
			return err
		}
		if !utf8.ValidString(text) || strings.ContainsRune(text, 0) {
			bad.Add(name, "This field holds bytes that are not text (invalid UTF-8 or a NUL "+
				"character); type it again.")
			continue
		}
		v.Field(i).SetString(text)
	}
	return bad.Err()
}

// pathID reads a numeric path value; a malformed one gives "not found".
func pathID(r *http.Request, name, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, phoenix.NotFound(what)
	}
	return id, nil
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
