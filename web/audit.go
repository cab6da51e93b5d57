package web

func (s *Server) auditRoutes() {
	// TODO: the audit log.
}
