// Package main is the orders service.
//
//	@title			Orders API
//	@version		1.0
//	@description	Orders of the demo shop.
//	@BasePath		/api
package main

import (
	"encoding/json"
	"net/http"
)

// Order is one order.
type Order struct {
	ID    int64  `json:"id"`
	Total int64  `json:"total"`
	State string `json:"state"`
}

// listOrders lists the orders.
//
//	@Summary	List orders
//	@Produce	json
//	@Success	200	{array}	Order
//	@Router		/orders [get]
func listOrders(w http.ResponseWriter, _ *http.Request) {
	_ = json.NewEncoder(w).Encode([]Order{})
}

// createOrder creates an order.
//
//	@Summary	Create an order
//	@Accept		json
//	@Produce	json
//	@Param		order	body		Order	true	"the order"
//	@Success	201		{object}	Order
//	@Router		/orders [post]
func createOrder(w http.ResponseWriter, _ *http.Request) {
	w.WriteHeader(http.StatusCreated)
}

func main() {
	http.HandleFunc("GET /api/orders", listOrders)
	http.HandleFunc("POST /api/orders", createOrder)
	_ = http.ListenAndServe(":8080", nil)
}
