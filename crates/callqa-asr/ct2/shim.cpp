// A C interface to CTranslate2's Whisper model, for callqa-asr's `ct2` feature.
//
// Built by crates/callqa-asr/build.rs with the `cc` crate against the CTranslate2 4.8.4
// headers vendored in ct2/include, and linked against the libctranslate2 shared library
// of the PyPI `ctranslate2==4.8.4` wheel (scripts/setup.sh puts it in .cache/ctranslate2).
// Only C types cross this boundary; every C++ exception becomes an error string.
#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <cstring>
#include <exception>
#include <future>
#include <string>
#include <vector>

#include "ctranslate2/models/whisper.h"

namespace {
char* dup_error(const std::string& s) {
  char* out = static_cast<char*>(std::malloc(s.size() + 1));
  if (out) std::memcpy(out, s.c_str(), s.size() + 1);
  return out;
}

// A copy of row-major log-mel features [batch, n_mels, n_frames] as a StorageView.
ctranslate2::StorageView features_view(const float* features, size_t batch, size_t n_mels,
                                       size_t n_frames) {
  ctranslate2::Shape shape{static_cast<ctranslate2::dim_t>(batch),
                           static_cast<ctranslate2::dim_t>(n_mels),
                           static_cast<ctranslate2::dim_t>(n_frames)};
  std::vector<float> data(features, features + batch * n_mels * n_frames);
  return ctranslate2::StorageView(shape, std::move(data));
}
}  // namespace

// The handle the Rust side holds.
struct callqa_ct2_whisper {
  ctranslate2::models::Whisper pool;
  template <typename... A>
  explicit callqa_ct2_whisper(A&&... a) : pool(std::forward<A>(a)...) {}
};

extern "C" {

// Load a CTranslate2 Whisper model directory. compute_type: "int8", "int8_float32",
// "float32", "default", ... On failure returns null and sets *err (free it with
// callqa_ct2_free_error).
callqa_ct2_whisper* callqa_ct2_load(const char* model_dir, const char* compute_type,
                                    size_t inter_threads, size_t intra_threads, char** err) {
  try {
    auto ct = ctranslate2::str_to_compute_type(compute_type);
    ctranslate2::ReplicaPoolConfig config;
    config.num_threads_per_replica = intra_threads;
    config.max_queued_batches = 0;
    config.cpu_core_offset = -1;
    // As CTranslate2's Python API does for `inter_threads`: one device, that many
    // replicas on it (each with its own weights and `intra_threads` threads).
    ctranslate2::models::ModelLoader loader{std::string(model_dir)};
    loader.device = ctranslate2::Device::CPU;
    loader.device_indices = {0};
    loader.num_replicas_per_device = inter_threads == 0 ? 1 : inter_threads;
    loader.compute_type = ct;
    return new callqa_ct2_whisper(loader, config);
  } catch (const std::exception& e) {
    *err = dup_error(e.what());
  } catch (...) {
    *err = dup_error("unknown C++ exception");
  }
  return nullptr;
}

void callqa_ct2_free(callqa_ct2_whisper* w) { delete w; }
void callqa_ct2_free_error(char* e) { std::free(e); }

size_t callqa_ct2_n_mels(const callqa_ct2_whisper* w) { return w->pool.n_mels(); }

// A batch's encoder output, kept so that decoding, its fallbacks and word alignment reuse
// one encoder pass (CTranslate2 skips the encoder for inputs already encoded).
struct callqa_ct2_encoded {
  ctranslate2::StorageView view;
};

// Encode a batch of log-mel features [batch, n_mels, n_frames], `chunk` items per encoder
// pass (0: all at once). The encoder's self-attention holds a [chunk, heads, T, T] matrix
// of floats (8 x 8 x 1064^2 x 4 bytes = 290 MB for 8 windows of 20 s), so smaller passes
// bound the peak memory; the outputs are concatenated into one [batch, T, d] view.
// Returns null and sets *err on failure; free the result with callqa_ct2_encoded_free.
callqa_ct2_encoded* callqa_ct2_encode_chunks(callqa_ct2_whisper* w, const float* features,
                                      size_t batch, size_t n_mels, size_t n_frames,
                                      size_t chunk, char** err) {
  try {
    if (chunk == 0 || chunk >= batch) {
      auto view = features_view(features, batch, n_mels, n_frames);
      auto out = w->pool.encode(view, true).get();
      return new callqa_ct2_encoded{std::move(out)};
    }
    std::vector<float> data;
    ctranslate2::Shape shape;
    for (size_t start = 0; start < batch; start += chunk) {
      const size_t n = std::min(chunk, batch - start);
      auto view = features_view(features + start * n_mels * n_frames, n, n_mels, n_frames);
      auto out = w->pool.encode(view, true).get();
      if (out.dtype() != ctranslate2::DataType::FLOAT32 || out.rank() != 3)
        throw std::runtime_error("unexpected encoder output (not a float [batch, T, d] view)");
      if (data.empty()) {
        shape = out.shape();
        shape[0] = static_cast<ctranslate2::dim_t>(batch);
        data.reserve(batch * static_cast<size_t>(shape[1] * shape[2]));
      }
      const float* p = out.data<float>();
      data.insert(data.end(), p, p + out.size());
    }
    return new callqa_ct2_encoded{ctranslate2::StorageView(shape, std::move(data))};
  } catch (const std::exception& e) {
    *err = dup_error(e.what());
  } catch (...) {
    *err = dup_error("unknown C++ exception");
  }
  return nullptr;
}

void callqa_ct2_encoded_free(callqa_ct2_encoded* e) { delete e; }

struct callqa_ct2_options {
  size_t beam_size;
  size_t max_length;
  float repetition_penalty;
  size_t no_repeat_ngram_size;
  float sampling_temperature;  // 0: greedy (sampling_topk 1)
  int suppress_blank;
  size_t max_initial_timestamp_index;
};

// Transcribe a batch. features: [batch, n_mels, n_frames] row-major log-mel. prompts:
// batch prompts of prompt_len ids each (the same length for all). Results: for item i,
// out_ids[i * max_length ..] holds out_lens[i] generated ids (timestamp tokens included,
// without the prompt and the end token), out_logprob[i] the cumulative log-probability
// (or 0), out_no_speech[i] the no-speech probability. Returns 0, or -1 with *err set.
// encoded: the batch's encoder output (callqa_ct2_encode), or null to encode features.
int callqa_ct2_generate(callqa_ct2_whisper* w, const callqa_ct2_encoded* encoded,
                        const float* features, size_t batch, size_t n_mels, size_t n_frames,
                        const size_t* prompts, size_t prompt_len,
                        const callqa_ct2_options* opt, size_t* out_ids, size_t* out_lens,
                        float* out_logprob, float* out_no_speech, char** err) {
  try {
    ctranslate2::StorageView view;
    if (encoded) {
      view = encoded->view;
    } else {
      view = features_view(features, batch, n_mels, n_frames);
    }
    std::vector<std::vector<size_t>> p(batch);
    for (size_t i = 0; i < batch; ++i)
      p[i].assign(prompts + i * prompt_len, prompts + (i + 1) * prompt_len);
    ctranslate2::models::WhisperOptions o;
    o.beam_size = opt->beam_size == 0 ? 1 : opt->beam_size;
    o.max_length = opt->max_length;
    o.repetition_penalty = opt->repetition_penalty;
    o.no_repeat_ngram_size = opt->no_repeat_ngram_size;
    if (opt->sampling_temperature > 0) {
      o.sampling_topk = 0;
      o.sampling_temperature = opt->sampling_temperature;
    }
    o.return_scores = true;
    o.return_no_speech_prob = true;
    o.suppress_blank = opt->suppress_blank != 0;
    o.max_initial_timestamp_index = opt->max_initial_timestamp_index;
    auto futures = w->pool.generate(view, std::move(p), o);
    for (size_t i = 0; i < batch; ++i) {
      auto r = futures[i].get();
      size_t n = 0;
      if (!r.sequences_ids.empty()) {
        const auto& ids = r.sequences_ids[0];
        n = ids.size() < opt->max_length ? ids.size() : opt->max_length;
        std::copy(ids.begin(), ids.begin() + n, out_ids + i * opt->max_length);
      }
      out_lens[i] = n;
      out_logprob[i] = r.scores.empty() ? 0.0f : r.scores[0];
      out_no_speech[i] = r.no_speech_prob;
    }
    return 0;
  } catch (const std::exception& e) {
    *err = dup_error(e.what());
  } catch (...) {
    *err = dup_error("unknown C++ exception");
  }
  return -1;
}

// Word alignment (DTW over the cross-attention of the model's alignment heads, as
// faster-whisper's word_timestamps) of each item of an encoded batch against its text
// tokens (timestamp tokens removed). Items are aligned one at a time: a batch pads the
// shorter token sequences, and the padded rows would take part in each item's DTW.
// start_sequences: batch start sequences of start_len ids each (<|startoftranscript|>,
// language, task); tokens: the items' text tokens one after the other, token_lens[i] of item i;
// num_frames[i]: mel frames of item i's audio (its padding is left out). Output: for item
// i, out_first[i * stride + t] = the encoder frame (20 ms) at which the alignment path
// reaches token t, for t = 0 ..= token_lens[i] (the last one: the end token), or -1.
// Returns 0, or -1 with *err set.
int callqa_ct2_align(callqa_ct2_whisper* w, const callqa_ct2_encoded* encoded,
                     const size_t* start_sequences, size_t start_len, const size_t* tokens,
                     const size_t* token_lens, const size_t* num_frames,
                     size_t median_filter_width, size_t stride, long* out_first,
                     char** err) {
  try {
    const auto& enc = encoded->view;
    const auto batch = static_cast<size_t>(enc.dim(0));
    const auto frames = enc.dim(1);
    const auto dim = enc.dim(2);
    std::vector<std::future<ctranslate2::models::WhisperAlignmentResult>> futures;
    std::vector<size_t> items;
    size_t offset = 0;
    for (size_t i = 0; i < batch; ++i) {
      const size_t n = token_lens[i];
      for (size_t t = 0; t < stride; ++t) out_first[i * stride + t] = -1;
      if (n == 0 || n + 1 > stride) {
        offset += n;
        continue;
      }
      const float* src = enc.data<float>() + i * frames * dim;
      std::vector<float> one(src, src + frames * dim);
      ctranslate2::StorageView item(ctranslate2::Shape{1, frames, dim}, std::move(one));
      std::vector<std::vector<size_t>> text{
          std::vector<size_t>(tokens + offset, tokens + offset + n)};
      std::vector<size_t> start(start_sequences + i * start_len,
                                start_sequences + (i + 1) * start_len);
      auto f = w->pool.align(item, std::move(start), std::move(text), {num_frames[i]},
                             static_cast<ctranslate2::dim_t>(median_filter_width));
      futures.push_back(std::move(f[0]));
      items.push_back(i);
      offset += n;
    }
    for (size_t k = 0; k < futures.size(); ++k) {
      auto r = futures[k].get();
      const size_t i = items[k];
      for (const auto& [t, time] : r.alignments) {
        if (t < 0 || static_cast<size_t>(t) >= stride) continue;
        long& slot = out_first[i * stride + t];
        if (slot < 0) slot = static_cast<long>(time);
      }
    }
    return 0;
  } catch (const std::exception& e) {
    *err = dup_error(e.what());
  } catch (...) {
    *err = dup_error("unknown C++ exception");
  }
  return -1;
}

// Detect the language of each item of a batch: writes the most probable language token
// (e.g. "<|en|>", NUL-terminated, at most 31 bytes) to out_tokens[i * 32 ..]. Returns 0,
// or -1 with *err set.
int callqa_ct2_detect_language(callqa_ct2_whisper* w, const float* features, size_t batch,
                               size_t n_mels, size_t n_frames, char* out_tokens, char** err) {
  try {
    auto view = features_view(features, batch, n_mels, n_frames);
    auto futures = w->pool.detect_language(view);
    for (size_t i = 0; i < batch; ++i) {
      auto r = futures[i].get();
      char* dst = out_tokens + i * 32;
      dst[0] = 0;
      if (!r.empty()) {
        const std::string& tok = r[0].first;
        size_t n = tok.size() < 31 ? tok.size() : 31;
        std::memcpy(dst, tok.data(), n);
        dst[n] = 0;
      }
    }
    return 0;
  } catch (const std::exception& e) {
    *err = dup_error(e.what());
  } catch (...) {
    *err = dup_error("unknown C++ exception");
  }
  return -1;
}

}  // extern "C"
