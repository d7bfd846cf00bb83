#include "costops/host/worker/symbol_interposition.hpp"

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cxxabi.h>

#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include "costops/host/files/safe_open.hpp"

namespace costops::host {

namespace {

// The file mapped read-only for as long as this lives.
class MappedFile {
 public:
  explicit MappedFile(const std::filesystem::path& path) {
    FileDescriptor fd;
    try {
      fd = open_regular_file(path, O_RDONLY);
    } catch (const UnsafeFileError&) {
      return;
    }
    struct stat info {};
    if (fd.get() < 0 || ::fstat(fd.get(), &info) != 0 || info.st_size <= 0) return;
    void* data = ::mmap(nullptr, static_cast<std::size_t>(info.st_size), PROT_READ, MAP_PRIVATE,
                        fd.get(), 0);
    if (data == MAP_FAILED) return;
    data_ = static_cast<const unsigned char*>(data);
    size_ = static_cast<std::size_t>(info.st_size);
  }
  ~MappedFile() {
    if (data_) ::munmap(const_cast<unsigned char*>(data_), size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  // A pointer to `count` objects of T at `offset`, or nullptr when they do
  // not fit in the file (a plugin file is untrusted input).
  template <class T>
  const T* at(std::uint64_t offset, std::uint64_t count = 1) const {
    if (!data_ || offset > size_ || count > (size_ - offset) / sizeof(T)) return nullptr;
    if (offset % alignof(T) != 0) return nullptr;
    return reinterpret_cast<const T*>(data_ + offset);
  }
  std::size_t size() const { return size_; }

 private:
  const unsigned char* data_ = nullptr;
  std::size_t size_ = 0;
};

// Marks the dynamic symbols a relocation section linked to the table names
// (the symbols the plugin's code reaches through the loader).
template <class Reloc>
void mark_referenced(const MappedFile& file, const ElfW(Shdr) & section,
                     std::vector<char>& referenced) {
  if (section.sh_entsize != sizeof(Reloc)) return;
  const std::uint64_t count = section.sh_size / sizeof(Reloc);
  const Reloc* relocs = file.at<Reloc>(section.sh_offset, count);
  if (!relocs) return;
  for (std::uint64_t i = 0; i < count; ++i) {
#if __ELF_NATIVE_CLASS == 64
    const std::size_t symbol = ELF64_R_SYM(relocs[i].r_info);
#else
    const std::size_t symbol = ELF32_R_SYM(relocs[i].r_info);
#endif
    if (symbol < referenced.size()) referenced[symbol] = 1;
  }
}

bool is_operator_new_or_delete(std::string_view name) {
  const std::string_view head = name.substr(0, 4);
  return head == "_Znw" || head == "_Zna" || head == "_Zdl" || head == "_Zda";
}

bool is_entry_symbol(std::string_view name) {
  return name.substr(0, 14) == "bench_target_v" && name.size() > 6 &&
         name.substr(name.size() - 6) == "_entry";
}

// Names reserved for the C++ and unwind runtime (std::, __gnu_cxx::,
// __cxxabiv1::, __cxa_*, _Unwind_*): a plugin defines them only through a
// copy of that runtime linked in statically (-static-libstdc++), and the
// process's copy it is bound to is the same code. The replaceable operator
// new and delete are not among them: a plugin's own is meant to be its own
// (unless the plugin holds such a copy, which brings its own: see below).
bool is_runtime_copy(std::string_view name) {
  for (const std::string_view prefix :
       {"_ZSt", "_ZNSt", "_ZNKSt", "_ZTISt", "_ZTSSt", "_ZTVSt", "_ZN9__gnu_cxx", "_ZNK9__gnu_cxx",
        "_ZN10__cxxabiv1", "_ZNK10__cxxabiv1", "_ZTIN10__cxxabiv1", "_ZTVN10__cxxabiv1", "__cxa_",
        "__gxx_", "_Unwind_", "__gcc_", "__dynamic_cast", "_ZGTtNSt", "_ZGTtNKSt"})
    if (name.substr(0, prefix.size()) == prefix) return true;
  return false;
}

}  // namespace

std::vector<BoundElsewhere> symbols_bound_elsewhere(const std::filesystem::path& library) {
  std::vector<BoundElsewhere> found;
  const MappedFile file(library);
  const auto* header = file.at<ElfW(Ehdr)>(0);
  if (!header || std::memcmp(header->e_ident, ELFMAG, SELFMAG) != 0 ||
      header->e_ident[EI_CLASS] != (sizeof(void*) == 8 ? ELFCLASS64 : ELFCLASS32) ||
      header->e_shentsize != sizeof(ElfW(Shdr)))
    return found;
  const auto* sections = file.at<ElfW(Shdr)>(header->e_shoff, header->e_shnum);
  if (!sections || header->e_shnum == 0) return found;
  std::size_t dynsym = 0;
  for (std::size_t i = 1; i < header->e_shnum && dynsym == 0; ++i)
    if (sections[i].sh_type == SHT_DYNSYM) dynsym = i;
  if (dynsym == 0 || sections[dynsym].sh_link >= header->e_shnum ||
      sections[dynsym].sh_entsize != sizeof(ElfW(Sym)))
    return found;
  const ElfW(Shdr)& strings_section = sections[sections[dynsym].sh_link];
  const std::uint64_t symbol_count = sections[dynsym].sh_size / sizeof(ElfW(Sym));
  const auto* symbols = file.at<ElfW(Sym)>(sections[dynsym].sh_offset, symbol_count);
  const char* strings = file.at<char>(strings_section.sh_offset, strings_section.sh_size);
  if (!symbols || !strings || strings_section.sh_size == 0) return found;

  // A definition under a version of the plugin's own (a version script
  // with a named node) binds only references to that version, which no
  // other library has: those cannot go elsewhere.
  const ElfW(Half)* versions = nullptr;
  std::vector<char> referenced(symbol_count, 0);  // by index into the table; 0 is no symbol
  for (std::size_t i = 1; i < header->e_shnum; ++i) {
    if (sections[i].sh_type == SHT_GNU_versym && sections[i].sh_link == dynsym)
      versions = file.at<ElfW(Half)>(sections[i].sh_offset, symbol_count);
    if (sections[i].sh_link != dynsym) continue;
    if (sections[i].sh_type == SHT_RELA) mark_referenced<ElfW(Rela)>(file, sections[i], referenced);
    if (sections[i].sh_type == SHT_REL) mark_referenced<ElfW(Rel)>(file, sections[i], referenced);
  }

  std::string own_path;  // resolved only when a definition is found elsewhere (rare)
  bool holds_runtime_copy = false;
  for (std::size_t index = 1; index < symbol_count; ++index) {
    if (!referenced[index]) continue;
    const ElfW(Sym)& symbol = symbols[index];
    const unsigned type = ELF64_ST_TYPE(symbol.st_info);
    // Defined here, strong (weak definitions, like C++ template copies, are
    // meant to be merged), visible to the loader, and code or data.
    if (symbol.st_shndx == SHN_UNDEF || ELF64_ST_BIND(symbol.st_info) != STB_GLOBAL ||
        ELF64_ST_VISIBILITY(symbol.st_other) != STV_DEFAULT ||
        (type != STT_FUNC && type != STT_OBJECT && type != STT_GNU_IFUNC))
      continue;
    if (symbol.st_name >= strings_section.sh_size) continue;
    if (versions && (versions[index] & 0x7fff) > VER_NDX_GLOBAL) continue;
    const char* name = strings + symbol.st_name;
    const std::size_t length = strnlen(name, strings_section.sh_size - symbol.st_name);
    if (length == 0 || length == strings_section.sh_size - symbol.st_name) continue;
    if (is_entry_symbol(name) || is_runtime_copy(name)) {
      holds_runtime_copy = holds_runtime_copy || !is_entry_symbol(name);
      continue;
    }
    void* elsewhere = ::dlsym(RTLD_DEFAULT, name);
    Dl_info info{};
    if (!elsewhere || ::dladdr(elsewhere, &info) == 0 || !info.dli_fname) continue;
    std::error_code ec, own_ec;
    const std::string defined_by = std::filesystem::weakly_canonical(info.dli_fname, ec).string();
    if (own_path.empty()) own_path = std::filesystem::weakly_canonical(library, own_ec).string();
    if (!ec && !own_ec && defined_by == own_path) continue;
    found.push_back({name, info.dli_fname});
  }
  // A static copy of the C++ runtime defines operator new and delete too.
  if (holds_runtime_copy)
    std::erase_if(found,
                  [](const BoundElsewhere& s) { return is_operator_new_or_delete(s.symbol); });
  return found;
}

namespace {
// "operator new(unsigned long)" for "_Znwm": what the author wrote.
std::string readable(const std::string& symbol) {
  int status = 0;
  char* demangled = abi::__cxa_demangle(symbol.c_str(), nullptr, nullptr, &status);
  std::string name = status == 0 && demangled ? demangled : symbol;
  std::free(demangled);
  return name;
}
}  // namespace

std::string bound_elsewhere_reason(const std::vector<BoundElsewhere>& symbols) {
  if (symbols.empty()) return {};
  constexpr std::size_t kNamed = 5;
  std::string names;
  for (std::size_t i = 0; i < symbols.size() && i < kNamed; ++i)
    names += (i ? ", " : "") + readable(symbols[i].symbol) + " (" + symbols[i].defined_by + ")";
  if (symbols.size() > kNamed) names += " and " + std::to_string(symbols.size() - kNamed) + " more";
  return "the plugin exports its own " + names +
         ", which the host's process already has: the dynamic loader binds the plugin's calls to "
         "those, not to its own code. Export nothing but the entry symbol: build with "
         "-fvisibility=hidden and the SDK's version script (costops_add_bench_plugin, or "
         "pkg-config's plugin_cflags and plugin_ldflags), or make those functions static";
}

}  // namespace costops::host
