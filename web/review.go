package web

func (s *Server) reviewRoutes() {
	// TODO: the organisation reviewers' queue, request page and decisions.
}
