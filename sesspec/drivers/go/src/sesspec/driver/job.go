package driver

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"time"
)

// Job is one job (sesspec/drivers/base.py): the scenario, the endpoint, the fake credentials.
type Job struct {
	Scenario struct {
		Kind   string                     `json:"kind"`
		Action string                     `json:"action"`
		Params map[string]json.RawMessage `json:"params"`
	} `json:"scenario"`
	Endpoint struct {
		URL    string `json:"url"`
		CAPath string `json:"ca_path"`
	} `json:"endpoint"`
	Credentials struct {
		AccessKeyID     string `json:"access_key_id"`
		SecretAccessKey string `json:"secret_access_key"`
		Region          string `json:"region"`
		// SessionToken is "" for long-term credentials (null in the job).
		SessionToken string `json:"session_token"`
	} `json:"credentials"`
}

// Result is the result line's content.
type Result struct {
	Status   string            `json:"status"`
	Detail   string            `json:"detail"`
	Response map[string]string `json:"response,omitempty"`
}

// Failed is a client error.
func Failed(err error) Result {
	return Result{Status: "client-error", Detail: err.Error()}
}

// OK is a success with a short summary of the output.
func OK(output interface{}) Result {
	text, err := json.Marshal(output)
	if err != nil {
		text = []byte(fmt.Sprint(output))
	}
	return Result{Status: "ok", Response: map[string]string{"output": fmt.Sprintf("%.500s", text)}}
}

// Fetch GETs a (presigned) URL with client; its outcome.
func Fetch(client *http.Client, url string) Result {
	resp, err := client.Get(url)
	if err != nil {
		return Failed(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return Result{Status: "client-error", Detail: fmt.Sprintf("HTTP %d: %.1000s", resp.StatusCode, body)}
	}
	return Result{Status: "ok", Detail: fmt.Sprintf("HTTP %d", resp.StatusCode), Response: map[string]string{"body": fmt.Sprintf("%.500s", body)}}
}

// Input decodes the scenario's params into a new value of kind (a pointer to the SDK's input
// struct, whose field names are the SES member names). The SES model's only blob
// (RawMessage.Data) is text in the job; Go's JSON decodes []byte from base64.
func Input(params map[string]json.RawMessage, kind reflect.Type) (reflect.Value, error) {
	if raw, ok := params["RawMessage"]; ok {
		var message map[string]string
		if err := json.Unmarshal(raw, &message); err != nil {
			return reflect.Value{}, err
		}
		message["Data"] = base64.StdEncoding.EncodeToString([]byte(message["Data"]))
		encoded, _ := json.Marshal(message)
		params["RawMessage"] = encoded
	}
	text, _ := json.Marshal(params)
	value := reflect.New(kind.Elem())
	decoder := json.NewDecoder(bytes.NewReader(text))
	decoder.DisallowUnknownFields()
	return value, decoder.Decode(value.Interface())
}

func emit(r Result) {
	if len(r.Detail) > 4000 {
		r.Detail = r.Detail[:4000]
	}
	line, _ := json.Marshal(r)
	fmt.Printf("SESSPEC-RESULT %s\n", line)
}

// probe fetches each URL through the guarded transport and prints the status or the error,
// one line each (the guard's test).
func probe(urls []string) {
	transport, err := Transport("")
	if err != nil {
		fmt.Println(err)
		os.Exit(2)
	}
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	for _, url := range urls {
		resp, err := client.Get(url)
		if err != nil {
			fmt.Println(err)
			continue
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
}

// Main reads the job on stdin, runs it with an http.Client on the guarded transport and prints
// "SESSPEC-RESULT {json}". With --probe URL..., it runs probe instead.
func Main(run func(Job, *http.Client) Result) {
	if len(os.Args) > 1 && os.Args[1] == "--probe" {
		probe(os.Args[2:])
		return
	}
	var job Job
	if err := json.NewDecoder(os.Stdin).Decode(&job); err != nil {
		emit(Failed(err))
		return
	}
	transport, err := Transport(job.Endpoint.CAPath)
	if err != nil {
		emit(Failed(err))
		return
	}
	emit(run(job, &http.Client{Transport: transport, Timeout: 60 * time.Second}))
}
