package batch

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Time // zero when the input must be refused
	}{
		{"2026-11-05", ymd(2026, 11, 5)},
		{"05/11/2026", ymd(2026, 11, 5)},
		{"05-11-2026", ymd(2026, 11, 5)},
		{"5/1/2026", ymd(2026, 1, 5)},
		{"5-1-2026", ymd(2026, 1, 5)},
		{"31/12/1999", ymd(1999, 12, 31)},
		{"29/02/2024", ymd(2024, 2, 29)},
		{"2000-02-29", ymd(2000, 2, 29)},
		{"12/31/2026", time.Time{}}, // month first is never read
		{"29/02/2025", time.Time{}},
		{"1900-02-29", time.Time{}},
		{"31/04/2026", time.Time{}},
		{"2026-13-01", time.Time{}},
		{"2026-00-10", time.Time{}},
		{"00/01/2026", time.Time{}},
		{"2026-1-5", time.Time{}}, // ISO form needs two digits
		{"2026/11/05", ymd(2026, 11, 5)},
		{"2026/1/5", ymd(2026, 1, 5)},
		{"05/11/26", time.Time{}}, // two-digit year
		{"005/11/2026", time.Time{}},
		{"05/11-2026", time.Time{}},
		{"05.11.2026", ymd(2026, 11, 5)},
		{"5.1.2026", ymd(2026, 1, 5)},
		{"2026.11.05", time.Time{}}, // '.' is for day-first dates
		{"05.11.26", time.Time{}},
		{"05.11/2026", time.Time{}},
		{"2026/11/005", time.Time{}},
		{"20261105", time.Time{}},
		{"2026-11-05T00:00:00", ymd(2026, 11, 5)},
		{"15/10/2026 0:00", ymd(2026, 10, 15)},
		{"15/10/2026 00:00", ymd(2026, 10, 15)},
		{"2026-10-15 00:00:00", ymd(2026, 10, 15)},
		{"2026-10-15  00:00:00.000", ymd(2026, 10, 15)},
		{"15 Oktober 2026 0:00", ymd(2026, 10, 15)},
		{"15/10/2026 13:45", time.Time{}}, // a time of day: not a date
		{"15/10/2026 0:01", time.Time{}},
		{"2026-10-15 00:00:01", time.Time{}},
		{"2026-10-15 00:00:00.5", time.Time{}},
		{"15/10/2026 0:0", time.Time{}},
		{"15/10/2026 :00", time.Time{}},
		{"15/10/2026 0:00:00:00", time.Time{}},
		{"15/10/2026 000:00", time.Time{}},
		{"15 Oktober 2026", ymd(2026, 10, 15)},
		{"15 oktober 2026", ymd(2026, 10, 15)},
		{"15 OKTOBER 2026", ymd(2026, 10, 15)},
		{"15 Okt 2026", ymd(2026, 10, 15)},
		{"15-Okt-2026", ymd(2026, 10, 15)},
		{"15 October 2026", ymd(2026, 10, 15)},
		{"15 Oct 2026", ymd(2026, 10, 15)},
		{"15-oct-2026", ymd(2026, 10, 15)},
		{"1 Januari 2026", ymd(2026, 1, 1)},
		{"01 Jan 2026", ymd(2026, 1, 1)},
		{"3 Februari 2026", ymd(2026, 2, 3)},
		{"3 Pebruari 2026", ymd(2026, 2, 3)},
		{"3 Feb 2026", ymd(2026, 2, 3)},
		{"3 Maret 2026", ymd(2026, 3, 3)},
		{"3 March 2026", ymd(2026, 3, 3)},
		{"3 Mar 2026", ymd(2026, 3, 3)},
		{"3 April 2026", ymd(2026, 4, 3)},
		{"3 Apr 2026", ymd(2026, 4, 3)},
		{"3 Mei 2026", ymd(2026, 5, 3)},
		{"3 May 2026", ymd(2026, 5, 3)},
		{"3 Juni 2026", ymd(2026, 6, 3)},
		{"3 June 2026", ymd(2026, 6, 3)},
		{"3 Jun 2026", ymd(2026, 6, 3)},
		{"3 Juli 2026", ymd(2026, 7, 3)},
		{"3 July 2026", ymd(2026, 7, 3)},
		{"3 Jul 2026", ymd(2026, 7, 3)},
		{"17 Agustus 1945", ymd(1945, 8, 17)},
		{"17 Agu 1945", ymd(1945, 8, 17)},
		{"17 Agt 1945", ymd(1945, 8, 17)},
		{"17 Ags 1945", ymd(1945, 8, 17)},
		{"17 August 1945", ymd(1945, 8, 17)},
		{"17 Aug 1945", ymd(1945, 8, 17)},
		{"3 September 2026", ymd(2026, 9, 3)},
		{"3 Sep 2026", ymd(2026, 9, 3)},
		{"3 Sept 2026", ymd(2026, 9, 3)},
		{"3 November 2026", ymd(2026, 11, 3)},
		{"3 Nopember 2026", ymd(2026, 11, 3)},
		{"3 Nov 2026", ymd(2026, 11, 3)},
		{"3 Nop 2026", ymd(2026, 11, 3)},
		{"25 Desember 2026", ymd(2026, 12, 25)},
		{"25 Des 2026", ymd(2026, 12, 25)},
		{"25 December 2026", ymd(2026, 12, 25)},
		{"25 Dec 2026", ymd(2026, 12, 25)},
		{"25 Des. 2026", ymd(2026, 12, 25)},
		{"  25   Des   2026", ymd(2026, 12, 25)},
		{"31 Februari 2026", time.Time{}},
		{"15 Oktobr 2026", time.Time{}},
		{"Oktober 15 2026", time.Time{}}, // month first is never read
		{"15 Oktober 26", time.Time{}},
		{"15 Oktober", time.Time{}},
		{"115 Oktober 2026", time.Time{}},
		{"15 Okt-2026", time.Time{}},
		{"15-Okt 2026", time.Time{}},
		{"15 10 2026", time.Time{}},
		{"0000-01-01", time.Time{}},
		{"+5/11/2026", time.Time{}},
		{"5//2026", time.Time{}},
		{"", time.Time{}},
	}
	for _, tt := range tests {
		got, ok := ParseDate(tt.in)
		if ok != !tt.want.IsZero() || !got.Equal(tt.want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
		}
		if ok && got.Location() != time.UTC {
			t.Errorf("ParseDate(%q) location = %v, want UTC", tt.in, got.Location())
		}
	}
}

func TestAddMonth(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want time.Time }{
		{ymd(2025, 1, 31), ymd(2025, 2, 28)},
		{ymd(2024, 1, 31), ymd(2024, 2, 29)},
		{ymd(2024, 2, 29), ymd(2024, 3, 29)},
		{ymd(2025, 3, 31), ymd(2025, 4, 30)},
		{ymd(2025, 12, 31), ymd(2026, 1, 31)},
		{ymd(2025, 11, 30), ymd(2025, 12, 30)},
		{ymd(2025, 12, 15), ymd(2026, 1, 15)},
		{ymd(2026, 10, 31), ymd(2026, 11, 30)},
		{ymd(2025, 8, 31), ymd(2025, 9, 30)},
		{ymd(2025, 1, 28), ymd(2025, 2, 28)},
		{ymd(1900, 1, 29), ymd(1900, 2, 28)},
	}
	for _, tt := range tests {
		if got := AddMonth(tt.in); !got.Equal(tt.want) {
			t.Errorf("AddMonth(%s) = %s, want %s", tt.in.Format(time.DateOnly), got.Format(time.DateOnly), tt.want.Format(time.DateOnly))
		}
	}
}

func TestEligibleOn(t *testing.T) {
	t.Parallel()
	term := ymd(2025, 1, 31)
	tests := []struct {
		reason Reason
		want   time.Time
	}{
		{ReasonRetirement, term},
		{ReasonPHK, ymd(2025, 2, 28)},
		{ReasonResign, ymd(2025, 2, 28)},
		{ReasonContractEnd, ymd(2025, 2, 28)},
	}
	for _, tt := range tests {
		if got := EligibleOn(tt.reason, term); !got.Equal(tt.want) {
			t.Errorf("EligibleOn(%s, 2025-01-31) = %s, want %s", tt.reason, got.Format(time.DateOnly), tt.want.Format(time.DateOnly))
		}
	}
}

func TestAgeAt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		birth, at time.Time
		want      int
	}{
		{ymd(1970, 6, 15), ymd(2026, 6, 15), 56},
		{ymd(1970, 6, 15), ymd(2026, 6, 14), 55},
		{ymd(1970, 6, 15), ymd(2026, 5, 20), 55},
		{ymd(2000, 2, 29), ymd(2025, 2, 28), 24}, // no 29 Feb in 2025
		{ymd(2000, 2, 29), ymd(2025, 3, 1), 25},
		{ymd(2026, 1, 1), ymd(2025, 1, 1), -1},
	}
	for _, tt := range tests {
		if got := ageAt(tt.birth, tt.at); got != tt.want {
			t.Errorf("ageAt(%s, %s) = %d, want %d", tt.birth.Format(time.DateOnly), tt.at.Format(time.DateOnly), got, tt.want)
		}
	}
}

// TestMonthDays holds monthDays to daysIn, which asks time.Date.
func TestMonthDays(t *testing.T) {
	t.Parallel()
	for y := 1; y <= 10_000; y++ {
		for m := 1; m <= 12; m++ {
			if got, want := monthDays(y, m), daysIn(y, time.Month(m)); got != want {
				t.Fatalf("monthDays(%d, %d) = %d, want %d", y, m, got, want)
			}
		}
	}
}
