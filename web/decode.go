package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"

	"github.com/phoenix-eap/phoenix"
)

// maxBody is the largest request body Phoenix reads, apart from file uploads.
const maxBody = 1 << 20

// decode fills dst, a pointer to a struct of string fields with json tags, from a JSON
// body or a form. Numbers in a JSON body are accepted too and kept as their text, so
// the service checks both kinds of client with the same rules.
func decode(w http.ResponseWriter, r *http.Request, dst any) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if isJSONBody(r) {
		var raw map[string]any
		if err := json.NewDecoder(r.Body).Decode(&raw); err != nil {
			return phoenix.Errorf(phoenix.EINVALID, "The request body is not valid JSON: %v.", err)
		}
		return fill(dst, func(name string) string { return jsonText(raw[name]) })
	}
	if err := r.ParseForm(); err != nil {
		return phoenix.Errorf(phoenix.EINVALID, "The form could not be read: %v.", err)
	}
	return fill(dst, r.PostForm.Get)
}

func jsonText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

func fill(dst any, get func(string) string) error {
	v := reflect.ValueOf(dst).Elem()
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		name := f.Tag.Get("json")
		if name == "" || name == "-" || f.Type.Kind() != reflect.String {
			continue
		}
		v.Field(i).SetString(get(name))
	}
	return nil
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
