package payments

import (
	"fmt"
	"plaza/server/service/core"
	"strconv"
	"strings"
)

// currencyExponents is ISO 4217's minor-unit exponent of the currencies
// Plaza accepts; a configured currency must be listed here.
var currencyExponents = map[string]int{
	"USD": 2, "EUR": 2, "GBP": 2, "CHF": 2, "CAD": 2, "AUD": 2, "NZD": 2, "SEK": 2, "NOK": 2, "DKK": 2,
	"PLN": 2, "CZK": 2, "HUF": 2, "MXN": 2, "BRL": 2, "INR": 2, "SGD": 2, "HKD": 2, "ZAR": 2,
	"JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "VND": 0,
}

// CurrencyExponent returns the number of decimals of an ISO 4217 currency
// Plaza knows.
func CurrencyExponent(currency string) (int, bool) {
	e, ok := currencyExponents[strings.ToUpper(currency)]
	return e, ok
}

// maxMinorUnits keeps amounts far from int64 overflow in sums.
const maxMinorUnits = 1_000_000_000_000_000

// ParseAmount reads an exact decimal ("5", "5.00") in currency into integer
// minor units (500). Zero, negative, malformed amounts and amounts with more
// decimals than the currency has are core.ErrValidation with a clear message.
func ParseAmount(s, currency string) (int64, error) {
	exp, ok := CurrencyExponent(currency)
	if !ok {
		return 0, fmt.Errorf("%w: unknown currency %q", core.ErrValidation, currency)
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("%w: enter an amount", core.ErrValidation)
	}
	if strings.HasPrefix(s, "-") {
		return 0, fmt.Errorf("%w: the amount must be positive", core.ErrValidation)
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || !digits(whole) || (hasDot && (frac == "" || !digits(frac))) || len(whole) > 15 {
		return 0, fmt.Errorf("%w: %q is not an amount (write it like 5.00)", core.ErrValidation, s)
	}
	if len(frac) > exp {
		frac = strings.TrimRight(frac, "0")
		if len(frac) > exp {
			return 0, fmt.Errorf("%w: %s amounts have at most %d decimals", core.ErrValidation, strings.ToUpper(currency), exp)
		}
	}
	frac += strings.Repeat("0", exp-len(frac))
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || n > maxMinorUnits {
		return 0, fmt.Errorf("%w: the amount is too large", core.ErrValidation)
	}
	if n == 0 {
		return 0, fmt.Errorf("%w: the amount must be greater than zero", core.ErrValidation)
	}
	return n, nil
}

// ParseTypedAmount reads an amount a person typed: as ParseAmount, with the
// decimal separator a point or a comma, whichever their locale uses ("1.50",
// "1,50"). Activities on the wire keep the strict ParseAmount.
func ParseTypedAmount(s, currency string) (int64, error) {
	s = strings.TrimSpace(s)
	// One separator at most: "1,500.50" could be read two ways, so it is
	// refused rather than guessed.
	if strings.Count(s, ".")+strings.Count(s, ",") > 1 {
		return 0, fmt.Errorf("%w: %q is not an amount: it has more than one separator (write it without thousands separators, like 1500.50 or 1500,50)", core.ErrValidation, s)
	}
	whole, frac, comma := strings.Cut(s, ",")
	if !comma {
		return ParseAmount(s, currency)
	}
	// "1,500" is a thousand in English and one and a half in German.
	if exp, ok := CurrencyExponent(currency); ok && len(frac) == 3 && exp < 3 {
		return 0, fmt.Errorf("%w: %q could mean %s or %s.%s: write it without the comma, or with %d decimals", core.ErrValidation, s, whole+frac, whole, frac, exp)
	}
	return ParseAmount(whole+"."+frac, currency)
}

// wireAmount turns an amount a person typed into the wire's form ("1,50"
// becomes "1.50"); what has no comma and one separator at most is left
// for the usual checks to judge, with their messages.
func wireAmount(s, currency string) (string, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, ",") && strings.Count(s, ".") <= 1 {
		return s, nil
	}
	n, err := ParseTypedAmount(s, strings.ToUpper(strings.TrimSpace(currency)))
	if err != nil {
		return "", err
	}
	return FormatAmount(n, strings.ToUpper(strings.TrimSpace(currency))), nil
}

// CheckTypedAmount is CheckAmount for an amount a person typed; the
// caller has checked that payments are on.
func (s *Service) CheckTypedAmount(amount, currency string) (int64, string, error) {
	w, err := wireAmount(amount, currency)
	if err != nil {
		return 0, "", err
	}
	return s.checkAmount(w, currency)
}

// FormatAmount writes minor units as the exact decimal of the wire ("5.00").
func FormatAmount(minor int64, currency string) string {
	exp, _ := CurrencyExponent(currency)
	neg := minor < 0
	if neg {
		minor = -minor
	}
	s := strconv.FormatInt(minor, 10)
	if exp > 0 {
		if len(s) <= exp {
			s = strings.Repeat("0", exp-len(s)+1) + s
		}
		s = s[:len(s)-exp] + "." + s[len(s)-exp:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
