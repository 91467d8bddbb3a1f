#include "media/images.hpp"

#include <cmath>
#include <mutex>
#include <random>
#include <vips/vips8>

namespace herald::media {

using vips::VImage;

namespace {
void ensure_vips() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (VIPS_INIT("herald")) throw std::runtime_error("libvips failed to start");
    vips_cache_set_max(0);
  });
}

ImageFiles write_renditions(const VImage& img, const std::string& dir, const std::string& name) {
  ImageFiles out;
  out.width = img.width();
  out.height = img.height();
  out.file = name + ".jpg";
  img.jpegsave((dir + "/" + out.file).c_str(), VImage::option()->set("Q", 82)->set("strip", true));
  for (int w : kRenditionWidths) {
    if (w > img.width()) continue;
    VImage r = w == img.width() ? img : img.resize(static_cast<double>(w) / img.width());
    int h = r.height();
    std::string base = name + "-" + std::to_string(w);
    r.jpegsave((dir + "/" + base + ".jpg").c_str(),
               VImage::option()->set("Q", 80)->set("strip", true)->set("optimize_coding", true));
    out.renditions.push_back({w, h, "jpeg", base + ".jpg"});
    r.webpsave((dir + "/" + base + ".webp").c_str(),
               VImage::option()->set("Q", 75)->set("strip", true));
    out.renditions.push_back({w, h, "webp", base + ".webp"});
  }
  return out;
}
}  // namespace

ImageFiles generate_demo_photo(const std::string& dir, const std::string& name, unsigned seed,
                               int width, int height) {
  try {
    ensure_vips();
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    // Sky: a vertical gradient between two random colours.
    double top[3] = {40 + 120 * u(rng), 60 + 120 * u(rng), 120 + 130 * u(rng)};
    double bottom[3] = {180 + 70 * u(rng), 150 + 80 * u(rng), 120 + 100 * u(rng)};
    VImage xy = VImage::xyz(width, height);
    VImage y = xy[1] / static_cast<double>(height);
    VImage x = xy[0] / static_cast<double>(width);
    std::vector<VImage> bands;
    for (int i = 0; i < 3; ++i) bands.push_back(y * (bottom[i] - top[i]) + top[i]);
    VImage img = bands[0].bandjoin(bands[1]).bandjoin(bands[2]);
    // Three ranges of hills, each a sum of sines, darker towards the front.
    for (int layer = 0; layer < 3; ++layer) {
      double base = 0.45 + 0.15 * layer + 0.05 * u(rng);
      double a1 = 0.03 + 0.06 * u(rng), f1 = 2 + 6 * u(rng), p1 = 6.28 * u(rng);
      double a2 = 0.01 + 0.03 * u(rng), f2 = 9 + 20 * u(rng), p2 = 6.28 * u(rng);
      // sin() in libvips works in degrees.
      VImage ridge =
          ((x * (f1 * 360.0) + p1 * 57.3).sin() * a1 + (x * (f2 * 360.0) + p2 * 57.3).sin() * a2) +
          base;
      VImage mask = (y > ridge).ifthenelse(255, 0);
      double shade = 0.55 - 0.15 * layer;
      std::vector<double> colour = {(30 + 90 * u(rng)) * shade * 2, (60 + 100 * u(rng)) * shade * 2,
                                    (30 + 60 * u(rng)) * shade * 2};
      VImage hill = (VImage::black(width, height) + colour)
                        .copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
      img = mask.ifthenelse(hill, img, VImage::option()->set("blend", false));
    }
    // A sun.
    double cx = width * (0.15 + 0.7 * u(rng)), cy = height * (0.12 + 0.2 * u(rng)),
           rad = height * 0.06;
    VImage dist = ((xy[0] - cx).pow(2) + (xy[1] - cy).pow(2)).pow(0.5);
    VImage sun = (dist < rad).ifthenelse(std::vector<double>{255, 240, 200}, img);
    img = sun;
    // Grain, so that it compresses like a photograph.
    VImage noise =
        VImage::gaussnoise(width, height, VImage::option()->set("sigma", 6.0)->set("mean", 0.0));
    img = (img + noise).cast(VIPS_FORMAT_UCHAR);
    img = img.copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB)).copy_memory();
    return write_renditions(img, dir, name);
  } catch (const std::exception& e) {
    ImageFiles f;
    f.error = std::string("image generation failed: ") + e.what();
    return f;
  }
}

std::string sniff_image_type(std::string_view b) {
  if (b.size() >= 3 && static_cast<unsigned char>(b[0]) == 0xFF &&
      static_cast<unsigned char>(b[1]) == 0xD8 && static_cast<unsigned char>(b[2]) == 0xFF)
    return "jpeg";
  if (b.size() >= 8 && b.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8)) return "png";
  if (b.size() >= 12 && b.substr(0, 4) == "RIFF" && b.substr(8, 4) == "WEBP") return "webp";
  return {};
}

ImageFiles import_upload(const std::string& dir, const std::string& name, std::string_view bytes) {
  ImageFiles f;
  if (bytes.size() > kMaxUploadBytes) {
    f.error = "The file is larger than 20 MB. Export it smaller and upload it again.";
    return f;
  }
  std::string type = sniff_image_type(bytes);
  if (type.empty()) {
    f.error = "This file is not a JPEG, PNG or WebP image (whatever its name says).";
    return f;
  }
  try {
    ensure_vips();
    // The loader must agree with the bytes we sniffed.
    const char* loader = vips_foreign_find_load_buffer(bytes.data(), bytes.size());
    std::string loader_name = loader ? loader : "";
    for (auto& ch : loader_name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (loader_name.find(type) == std::string::npos) {
      vips_error_clear();
      f.error = "This file is not a readable " + type + " image.";
      return f;
    }
    // Opening reads the header only: the pixel count is checked before anything is decoded.
    VImage head = VImage::new_from_buffer(bytes.data(), bytes.size(), "",
                                          VImage::option()->set("access", "sequential"));
    long long pixels = static_cast<long long>(head.width()) * head.height();
    if (pixels > kMaxUploadPixels || head.width() > 30000 || head.height() > 30000) {
      f.error = "The image is " + std::to_string(head.width()) + " × " +
                std::to_string(head.height()) +
                " pixels; the largest accepted is 50 megapixels. Resize it and upload it again.";
      return f;
    }
    VImage img = VImage::new_from_buffer(bytes.data(), bytes.size(), "",
                                         VImage::option()->set("fail", true));
    img = img.autorot();
    if (img.interpretation() != VIPS_INTERPRETATION_sRGB &&
        img.interpretation() != VIPS_INTERPRETATION_B_W)
      img = img.colourspace(VIPS_INTERPRETATION_sRGB);
    if (img.has_alpha())
      img = img.flatten(VImage::option()->set("background", std::vector<double>{255, 255, 255}));
    if (img.bands() == 1) img = img.bandjoin(img).bandjoin(img);
    img = img.cast(VIPS_FORMAT_UCHAR)
              .copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB))
              .copy_memory();  // decodes everything now: a damaged file fails here
    return write_renditions(img, dir, name);
  } catch (const std::exception& e) {
    vips_error_clear();
    f = ImageFiles{};
    f.error = "This image could not be read (" + std::string(e.what()).substr(0, 120) +
              "). Save it again as JPEG or PNG and retry.";
    return f;
  }
}

}  // namespace herald::media
