package iamsaml

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// AccountsOptions tunes ForEachAccount.
type AccountsOptions struct {
	// Config returns the aws.Config to use in an account: typically the
	// caller's configuration with credentials from an sts AssumeRole into a
	// role of that account (stscreds.NewAssumeRoleProvider). Required. Its
	// error fails that account only.
	Config func(ctx context.Context, accountID string) (aws.Config, error)
	// Concurrency is how many accounts are worked on at once. Zero means 8.
	Concurrency int
	// Progress, when set, is called once per account when it is finished, in
	// the order they finish, never concurrently: done accounts so far, the
	// total, and that account's result error (nil on success).
	Progress func(accountID string, done, total int, err error)
}

// AccountResult is the outcome of the operation in one account.
type AccountResult[T any] struct {
	// AccountID is the account.
	AccountID string
	// Value is what the operation returned; the zero value when Err is set.
	Value T
	// Err is the account's failure: from Config, from the operation, a panic
	// in the operation (recovered), or the context's error for an account not
	// started before cancellation.
	Err error
}

// ForEachAccount runs op in every account of accounts, at most
// opts.Concurrency at a time, and returns one result per account, in the
// order of accounts. One account's failure never stops or affects the
// others; cancelling ctx stops starting new accounts (each of them gets
// ctx's error) and is passed to the running ones. The SDK clients op builds
// from the aws.Config retry throttling errors as the SDK does (its standard
// retryer).
//
// Typical operations are PlanProvider and ApplyProvider, Rollover, EnsureRole and
// ImportableRoles with clients made from the account's config:
//
//	res := iamsaml.ForEachAccount(ctx, ids, opts, func(ctx context.Context, id string, cfg aws.Config) (*iamsaml.ImportReport, error) {
//		return iamsaml.ImportableRoles(ctx, iam.NewFromConfig(cfg), iamsaml.ImportOptions{})
//	})
func ForEachAccount[T any](ctx context.Context, accounts []string, opts AccountsOptions, op func(ctx context.Context, accountID string, cfg aws.Config) (T, error)) []AccountResult[T] {
	results := make([]AccountResult[T], len(accounts))
	for i, id := range accounts {
		results[i].AccountID = id
	}
	if opts.Config == nil || op == nil {
		for i := range results {
			results[i].Err = newErr(ErrInvalidOptions, "", "AccountsOptions.Config and the operation are required", nil)
		}
		return results
	}
	n := opts.Concurrency
	if n <= 0 {
		n = 8
	}
	var (
		mu   sync.Mutex
		done int
		wg   sync.WaitGroup
	)
	finish := func(i int) {
		mu.Lock()
		defer mu.Unlock()
		done++
		if opts.Progress != nil {
			opts.Progress(results[i].AccountID, done, len(results), results[i].Err)
		}
	}
	sem := make(chan struct{}, n)
	for i := range results {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			for j := i; j < len(results); j++ {
				results[j].Err = ctx.Err()
				finish(j)
			}
			break
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			results[i].Value, results[i].Err = runAccount(ctx, results[i].AccountID, opts.Config, op)
			finish(i)
		}(i)
	}
	wg.Wait()
	return results
}

func runAccount[T any](ctx context.Context, id string, config func(context.Context, string) (aws.Config, error), op func(context.Context, string, aws.Config) (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			var zero T
			v, err = zero, newErr(ErrInvalidOptions, "", fmt.Sprintf("the operation panicked in account %s: %v", id, p), nil)
		}
	}()
	cfg, err := config(ctx, id)
	if err != nil {
		return v, err
	}
	return op(ctx, id, cfg)
}
