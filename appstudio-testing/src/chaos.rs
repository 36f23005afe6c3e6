//! Random failures ([`Chaos`]): a share of the API's requests fails with 429 or 5xx before it
//! reaches any data, as a gateway in front of the real API answers when it is overloaded.

/// Random failures of the API (see [`FakeActiveCampaign::chaos`](crate::FakeActiveCampaign::chaos)):
/// each authenticated `/api/3/` request fails with probability `rate`, answered with one of
/// `statuses` picked at random (a 429 carries `Retry-After`), before it changes anything.
/// The draws are seeded: the same requests in the same order fail the same way.
#[derive(Debug, Clone, PartialEq)]
pub struct Chaos {
    /// The share of requests that fail, from 0.0 (none) to 1.0 (all).
    pub rate: f64,
    /// The statuses failed requests get, each as likely; empty: 503.
    pub statuses: Vec<u16>,
    /// Seeds the random draws.
    pub seed: u64,
}

/// A chaos mode in effect: its settings and its random stream (SplitMix64).
#[derive(Debug)]
pub(crate) struct Dice {
    chaos: Chaos,
    state: u64,
}

impl Dice {
    pub(crate) fn new(chaos: Chaos) -> Dice {
        let state = chaos.seed;
        Dice { chaos, state }
    }

    /// The status the next request fails with, or `None` when it passes.
    pub(crate) fn roll(&mut self) -> Option<u16> {
        if self.unit() >= self.chaos.rate {
            return None;
        }
        let n = self.chaos.statuses.len() as u64;
        if n == 0 {
            return Some(503);
        }
        let pick = usize::try_from(self.next() % n).unwrap_or(0);
        self.chaos.statuses.get(pick).copied()
    }

    /// The next 64 random bits.
    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A draw in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dice(rate: f64, statuses: Vec<u16>, seed: u64) -> Dice {
        Dice::new(Chaos {
            rate,
            statuses,
            seed,
        })
    }

    #[test]
    fn rolls_fail_about_the_rate_with_the_given_statuses_and_repeat_for_a_seed() {
        let mut d = dice(0.3, vec![429, 503], 7);
        let rolls: Vec<_> = (0..10_000).map(|_| d.roll()).collect();
        let failed = rolls.iter().flatten().count();
        assert!((2_800..=3_200).contains(&failed), "{failed}");
        for status in [429, 503] {
            let n = rolls.iter().flatten().filter(|s| **s == status).count();
            assert!(n > failed / 3, "{status}: {n} of {failed}");
        }
        let mut again = dice(0.3, vec![429, 503], 7);
        assert!(rolls.iter().all(|r| *r == again.roll()));
        let mut other = dice(0.3, vec![429, 503], 8);
        assert!(rolls.iter().any(|r| *r != other.roll()));
        let mut none = dice(0.0, vec![429], 1);
        assert!((0..1000).all(|_| none.roll().is_none()));
        let mut all = dice(1.0, vec![], 1);
        assert!((0..1000).all(|_| all.roll() == Some(503)));
    }
}
