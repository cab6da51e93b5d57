package web

func (s *Server) clientRoutes() {
	// TODO: clients and the CSV import.
}
