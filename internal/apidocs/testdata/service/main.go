// A small service annotated for swag, used by the apidocs tests. It is
// parsed, never compiled: the build tag keeps it out of `go build ./...`.

//go:build ignore

package main

import "net/http"

// @title			Todo API
// @version		1.2.0
// @description	Tasks for a test.
// @BasePath		/api
func main() {
	http.HandleFunc("/api/todos", listTodos)
	_ = http.ListenAndServe(":8080", nil)
}

// Todo is a task.
type Todo struct {
	ID    int    `json:"id"`
	Title string `json:"title"`
	Done  bool   `json:"done"`
}

// listTodos lists tasks.
//
//	@Summary	List todos
//	@Tags		todos
//	@Produce	json
//	@Success	200	{array}	Todo
//	@Router		/todos [get]
func listTodos(w http.ResponseWriter, r *http.Request) {}

// createTodo adds a task.
//
//	@Summary	Create a todo
//	@Tags		todos
//	@Accept		json
//	@Produce	json
//	@Param		todo	body		Todo	true	"the task"
//	@Success	201		{object}	Todo
//	@Router		/todos [post]
func createTodo(w http.ResponseWriter, r *http.Request) {}

// getTodo returns one task.
//
//	@Summary	Get a todo
//	@Tags		todos
//	@Produce	json
//	@Param		id	path		int	true	"task id"
//	@Success	200	{object}	Todo
//	@Failure	404	"not found"
//	@Router		/todos/{id} [get]
func getTodo(w http.ResponseWriter, r *http.Request) {}
