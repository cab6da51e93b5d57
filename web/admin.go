package web

func (s *Server) adminRoutes() {
	// TODO: administration pages.
}
