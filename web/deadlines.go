package web

func (s *Server) deadlineRoutes() {
	// TODO: the provider dashboard and closure days.
}
