// aws-sdk-go-v2 (Debian golang-github-aws-aws-sdk-go-v2-dev), built offline in GOPATH mode.
//
// ses.New(ses.Options{Region, Credentials (static: aws.CredentialsProviderFunc, with the
// session token of temporary credentials), EndpointResolver: EndpointResolverFromURL(url),
// HTTPClient}), as its documentation shows for a custom endpoint; each scenario's params are
// decoded into the operation's own input struct (the SES member names are its field names)
// and the operation is called, so the SDK flattens, encodes and signs (SigV4). It has no
// presigner for SES. It is told the real SES host; sesspec/driver's transport connects it to
// the endpoint.
package main

import (
	"context"
	"net/http"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ses"

	"sesspec/driver"
)

func run(job driver.Job, client *http.Client) driver.Result {
	if job.Scenario.Kind == "presign-get" {
		return driver.Result{Status: "not-supported", Detail: "aws-sdk-go-v2 has no presigner for SES"}
	}
	svc := ses.New(ses.Options{
		Region:           job.Credentials.Region,
		Credentials:      static(job.Credentials.AccessKeyID, job.Credentials.SecretAccessKey, job.Credentials.SessionToken),
		EndpointResolver: ses.EndpointResolverFromURL(job.Endpoint.URL),
		HTTPClient:       client,
		RetryMaxAttempts: 1,
	})
	method := reflect.ValueOf(svc).MethodByName(job.Scenario.Action)
	if !method.IsValid() {
		return driver.Result{Status: "not-supported", Detail: "aws-sdk-go-v2 has no " + job.Scenario.Action}
	}
	in, err := driver.Input(job.Scenario.Params, method.Type().In(1))
	if err != nil {
		return driver.Failed(err)
	}
	out := method.Call([]reflect.Value{reflect.ValueOf(context.Background()), in})
	if e, _ := out[1].Interface().(error); e != nil {
		return driver.Failed(e)
	}
	return driver.OK(out[0].Interface())
}

// static is the fake credentials as a provider of the core module's own (aws.Credentials),
// not the credentials module's: so that the service module alone, at any release, decides
// which core module it runs with (the sweep adds only the service module to go.mod).
func static(id, secret, token string) aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: token, Source: "sesspec"}, nil
	})
}

func main() {
	driver.Main(run)
}
