// Boot once (world.h): saving the booted kernel and restoring it into a
// reset World.
#include "kernel_model/boot_image.h"

#include <cstring>

#include "kernel_model/kmem.h"
#include "kernel_model/kmem_arena.h"
#include "kernel_model/module.h"

namespace ks::km {

namespace {
World::ComponentImage g_images[World::kNumSlots];
}  // namespace

void World::set_component_image(int slot, ComponentImage ops) { g_images[slot] = ops; }

void World::drop_boot() {
  if (!image_) return;
  image_.reset();
  sim_.drop_image();
}

bool World::save_boot(const std::string& key, std::string* why) {
  drop_boot();
  auto refuse = [&](std::string w) {
    if (why) *why = std::move(w);
    return false;
  };
  if (!kept_.empty()) return refuse("the set-up kept state of its own before the boot");
  for (int s = 0; s < kNumSlots; s++)
    if (components_[s] && !g_images[s].save)
      return refuse("component slot " + std::to_string(s) + " has no image hook");
  if (!sim_.save_image(why)) return false;
  auto im = std::make_unique<BootImage>();
  im->key = key;
  im->epoch = epoch_;
  for (size_t i = 0; i < sim_.nobjects(); i++) im->objs.push_back(objs_[i]);
  for (size_t i = 0; i < sim_.nthreads(); i++) im->kthreads.push_back(kthreads_[i]);
  im->teardown = teardown_;
  im->checks = checks_;
  im->variants = variants_;
  im->log = log_;
  if (kmem_live_) {
    im->kmem_live = true;
    im->kmem_slot = kmem_->slot;
    im->kmem_used = kmem_->used;
    im->kmem_nallocs = kmem_->nallocs;
    im->kmem_bytes.assign(kmem_->base, kmem_->used);
  }
  for (Module* m : modules_) im->modules.emplace_back(m, m->data_image());
  for (int s = 0; s < kNumSlots; s++) {
    if (!components_[s]) continue;
    im->live[s] = components_[s];
    im->saved[s] = g_images[s].save(components_[s].get());
  }
  image_ = std::move(im);
  return true;
}

bool World::restore_boot(const std::string& key) {
  if (!image_ || image_->key != key) {
    drop_boot();
    return false;
  }
  const BootImage& im = *image_;
  auto give_up = [&] {
    release_arena();
    drop_boot();
    return false;
  };
  // What can fail goes first, while the World is still as the reset left it.
  if (im.kmem_live) {
    if (!kmem_) kmem_ = std::make_unique<KmemState>();
    if (kmem_->slot < 0) kmem_->base = kmem_arena_claim(&kmem_->slot);
    // Another World holds the slot the boot's addresses are in.
    if (kmem_->slot != im.kmem_slot || !kmem_arena_commit(kmem_->slot, im.kmem_used))
      return give_up();
  }
  for (int s = 0; s < kNumSlots; s++)
    if (im.live[s] && !g_images[s].restore(im.live[s].get(), im.saved[s].get()))
      return give_up();
  for (int s = 0; s < kNumSlots; s++) components_[s] = im.live[s];
  sim_.restore_image();
  for (size_t i = 0; i < im.objs.size(); i++) {
    if (i == objs_.size()) objs_.emplace_back();
    objs_[i] = im.objs[i];
  }
  for (size_t i = 0; i < im.kthreads.size(); i++) {
    if (i == kthreads_.size()) kthreads_.emplace_back();
    kthreads_[i] = im.kthreads[i];
  }
  teardown_ = im.teardown;
  checks_ = im.checks;
  variants_ = im.variants;
  log_ = im.log;
  epoch_ = im.epoch;
  if (im.kmem_live) {
    kmem_->used = im.kmem_used;
    kmem_->nallocs = im.kmem_nallocs;
    std::memcpy(kmem_->base, im.kmem_bytes.data(), im.kmem_used);
    kmem_live_ = true;
  }
  modules_.clear();
  for (auto& [m, bytes] : im.modules) {
    m->restore_data(bytes);
    modules_.push_back(m);
  }
  boot_restores_++;
  return true;
}

}  // namespace ks::km
