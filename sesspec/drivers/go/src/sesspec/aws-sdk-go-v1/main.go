// aws-sdk-go v1 (Debian golang-github-aws-aws-sdk-go-dev), built offline in GOPATH mode.
//
// ses.New(session) with aws.Config{Endpoint, Region, static credentials (with the session
// token of temporary credentials)}, as its
// documentation shows; each scenario's params are decoded into the operation's own input
// struct (the SES member names are the struct's field names) and the operation is called,
// so the SDK flattens, encodes and signs (SigV4). presign-get: <Op>Request(input) then
// Presign, which the SDK's query protocol turns into a GET with the form as its query.
// It is told the real SES host; sesspec/driver's transport connects it to the endpoint.
package main

import (
	"net/http"
	"reflect"
	"time"

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/aws/request"
	"github.com/aws/aws-sdk-go/aws/session"
	"github.com/aws/aws-sdk-go/service/ses"

	"sesspec/driver"
)

func run(job driver.Job, client *http.Client) driver.Result {
	sess, err := session.NewSession(&aws.Config{
		Region:      aws.String(job.Credentials.Region),
		Endpoint:    aws.String(job.Endpoint.URL),
		Credentials: credentials.NewStaticCredentials(job.Credentials.AccessKeyID, job.Credentials.SecretAccessKey, job.Credentials.SessionToken),
		HTTPClient:  client,
		MaxRetries:  aws.Int(0),
	})
	if err != nil {
		return driver.Failed(err)
	}
	svc := reflect.ValueOf(ses.New(sess))
	action := job.Scenario.Action
	if job.Scenario.Kind == "presign-get" {
		action += "Request"
	}
	method := svc.MethodByName(action)
	if !method.IsValid() {
		return driver.Result{Status: "not-supported", Detail: "aws-sdk-go v1 has no " + action}
	}
	in, err := driver.Input(job.Scenario.Params, method.Type().In(0))
	if err != nil {
		return driver.Failed(err)
	}
	out := method.Call([]reflect.Value{in})
	if job.Scenario.Kind == "presign-get" {
		url, err := out[0].Interface().(*request.Request).Presign(15 * time.Minute)
		if err != nil {
			return driver.Failed(err)
		}
		return driver.Fetch(client, url)
	}
	if e, _ := out[1].Interface().(error); e != nil {
		return driver.Failed(e)
	}
	return driver.OK(out[0].Interface())
}

func main() {
	driver.Main(run)
}
