package main

import (
	"fmt"
	paysvc "plaza/server/service/payments"

	"plaza/federation"
	"plaza/payments"
	"plaza/server/service"
)

// enablePayments turns on the payment flow: the payer's side always, the
// payee's side (Stripe) when stripe.secret_key is set.
func enablePayments(cfg Config, svc *service.Service) error {
	sc := cfg.Stripe
	currencies, err := sc.currencyList()
	if err != nil {
		return fmt.Errorf("config: stripe.currencies: %w", err)
	}
	var provider paysvc.PaymentProvider
	if sc.SecretKey != "" {
		fee, err := feeBasisPoints(sc.ApplicationFeePercent)
		if err != nil {
			return fmt.Errorf("config: stripe.application_fee_percent: %w", err)
		}
		st, err := payments.NewStripe(payments.Config{
			SecretKey: sc.SecretKey, WebhookSecret: sc.WebhookSecret, APIURL: sc.APIURL,
			FeeBasisPoints: fee, WebhookTolerance: sc.WebhookTolerance,
		})
		if err != nil {
			return err
		}
		provider = st
	}
	if err := svc.Payments().EnablePayments(paysvc.PaymentsConfig{
		Currencies: currencies, MaxPayment: sc.MaxPayment, MaxPerDay: sc.MaxPerDay, AgreementTTL: sc.AgreementTTL,
	}, provider, federation.DecodePayment); err != nil {
		return err
	}
	// Remote subscriptions of local supporters are mirrored always.
	svc.Supporters().SetDecoder(federation.IsSupporterActivity, federation.DecodeSupporter)
	// So are the Receipts of orders local users placed on other instances.
	svc.Shop().SetDecoder(federation.IsOrderActivity, federation.DecodeOrder)
	// Supporter subscriptions sell through the same Stripe account.
	if st, ok := provider.(*payments.Stripe); ok {
		svc.Supporters().Enable(st)
	}
	return nil
}

var _ paysvc.PaymentProvider = (*payments.Stripe)(nil)
