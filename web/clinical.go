package web

import (
	"net/http"

	"github.com/phoenix-eap/phoenix/service"
)

func (s *Server) clinicalRoutes() {
	// TODO: the clinical leaders' queue and decisions.
}

// clinicalTask shows the Extra Sessions Clinical Review task page.
func (s *Server) clinicalTask(w http.ResponseWriter, r *http.Request, a service.Actor, v service.TaskView) error {
	s.respond(w, r, "task", casePage{CaseView: v.CaseView, Task: &v.Task},
		map[string]any{"task": toTaskJSON(v.Task), "case": toCaseJSON(v.CaseView)})
	return nil
}
