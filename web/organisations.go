package web

func (s *Server) organisationRoutes() {
	// TODO: organisations and contracts.
}
