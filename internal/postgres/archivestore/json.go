package archivestore

import "encoding/json"

// jsonStrings reads a text[] given as JSON; NULL or junk is empty.
func jsonStrings(s string) []string {
	out := []string{}
	_ = json.Unmarshal([]byte(s), &out)
	if out == nil {
		out = []string{}
	}
	return out
}

// jsonInts reads a bigint[] given as JSON.
func jsonInts(s string) []int64 {
	out := []int64{}
	_ = json.Unmarshal([]byte(s), &out)
	if out == nil {
		out = []int64{}
	}
	return out
}
