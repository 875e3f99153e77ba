//! cargo-fuzz target: any bytes through the decoder, with each extension hint.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the hint, the rest is the file.
    let Some((&pick, file)) = data.split_first() else {
        return;
    };
    let hint = [None, Some("wav"), Some("mp3"), Some("flac"), Some("ogg")][usize::from(pick) % 5];
    match callqa_audio::decode_bytes(file.to_vec(), hint, "fuzz") {
        Ok(d) => {
            let n = d.channels[0].len();
            assert!(d.channels.iter().all(|c| c.len() == n));
            assert!(d
                .channels
                .iter()
                .flatten()
                .all(|s| s.is_finite() && (-1.0..=1.0).contains(s)));
        }
        Err(e) => assert!(e.to_string().contains("fuzz")),
    }
});
