// aws-sdk-go v1 (Debian golang-github-aws-aws-sdk-go-dev), built offline in GOPATH mode.
//
// ses.New(session) with aws.Config{Endpoint, Region, static credentials}, as its
// documentation shows; each scenario's params are decoded into the operation's own input
// struct (the SES member names are the struct's field names) and the operation is called,
// so the SDK flattens, encodes and signs (SigV4). presign-get: <Op>Request(input) then
// Presign, which the SDK's query protocol turns into a GET with the form as its query.
// It is told the real SES host; guard.go connects it to the loopback endpoint.
//
// Reads one job (JSON) on stdin and prints "SESSPEC-RESULT {json}" (sesspec/drivers/base.py).
// With --probe URL..., fetches each URL through the guarded transport and prints the
// status or the error, one line each (the guard's test).
package main

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

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/aws/request"
	"github.com/aws/aws-sdk-go/aws/session"
	"github.com/aws/aws-sdk-go/service/ses"
)

type job struct {
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
	} `json:"credentials"`
}

type result struct {
	Status   string            `json:"status"`
	Detail   string            `json:"detail"`
	Response map[string]string `json:"response,omitempty"`
}

func emit(r result) {
	if len(r.Detail) > 4000 {
		r.Detail = r.Detail[:4000]
	}
	line, _ := json.Marshal(r)
	fmt.Printf("SESSPEC-RESULT %s\n", line)
}

func failed(err error) result {
	return result{Status: "client-error", Detail: err.Error()}
}

// input decodes the scenario's params into the operation's input struct. The SES model's
// only blob (RawMessage.Data) is text in the job; Go's JSON decodes []byte from base64.
func input(params map[string]json.RawMessage, kind reflect.Type) (reflect.Value, error) {
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

func run(j job, client *http.Client) result {
	sess, err := session.NewSession(&aws.Config{
		Region:      aws.String(j.Credentials.Region),
		Endpoint:    aws.String(j.Endpoint.URL),
		Credentials: credentials.NewStaticCredentials(j.Credentials.AccessKeyID, j.Credentials.SecretAccessKey, ""),
		HTTPClient:  client,
		MaxRetries:  aws.Int(0),
	})
	if err != nil {
		return failed(err)
	}
	svc := reflect.ValueOf(ses.New(sess))
	action := j.Scenario.Action
	if j.Scenario.Kind == "presign-get" {
		action += "Request"
	}
	method := svc.MethodByName(action)
	if !method.IsValid() {
		return result{Status: "not-supported", Detail: "aws-sdk-go v1 has no " + action}
	}
	in, err := input(j.Scenario.Params, method.Type().In(0))
	if err != nil {
		return failed(err)
	}
	out := method.Call([]reflect.Value{in})
	if j.Scenario.Kind == "presign-get" {
		req := out[0].Interface().(*request.Request)
		url, err := req.Presign(15 * time.Minute)
		if err != nil {
			return failed(err)
		}
		resp, err := client.Get(url)
		if err != nil {
			return failed(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode/100 != 2 {
			return result{Status: "client-error", Detail: fmt.Sprintf("HTTP %d: %.1000s", resp.StatusCode, body)}
		}
		return result{Status: "ok", Detail: fmt.Sprintf("HTTP %d", resp.StatusCode), Response: map[string]string{"body": fmt.Sprintf("%.500s", body)}}
	}
	if e, _ := out[1].Interface().(error); e != nil {
		return failed(e)
	}
	return result{Status: "ok", Response: map[string]string{"output": fmt.Sprintf("%.500s", fmt.Sprint(out[0].Interface()))}}
}

func probe(urls []string) {
	transport, err := guardedTransport("")
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

func main() {
	if len(os.Args) > 1 && os.Args[1] == "--probe" {
		probe(os.Args[2:])
		return
	}
	var j job
	if err := json.NewDecoder(os.Stdin).Decode(&j); err != nil {
		emit(failed(err))
		return
	}
	transport, err := guardedTransport(j.Endpoint.CAPath)
	if err != nil {
		emit(failed(err))
		return
	}
	emit(run(j, &http.Client{Transport: transport, Timeout: 60 * time.Second}))
}
