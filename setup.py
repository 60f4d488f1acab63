"""Packaging for rnn_nb. Every piece of metadata comes from settings.ini (nbdev's single source)."""
from configparser import ConfigParser
from packaging.version import parse
import setuptools

cfg = ConfigParser(delimiters=['='])
cfg.read('settings.ini', encoding='utf-8')
cfg = cfg['DEFAULT']
for key in 'version description keywords author author_email license min_python lib_name user git_url'.split():
    if key not in cfg: raise SystemExit(f'settings.ini is missing {key}')

statuses = ['1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable', '6 - Mature', '7 - Inactive']
py_versions = '3.10 3.11 3.12 3.13'.split()
min_python = cfg['min_python']
requirements = cfg.get('requirements', '').split()
dev_requirements = cfg.get('dev_requirements', '').split()
console_scripts = cfg.get('console_scripts', '').split()
package_data = cfg.get('package_data', '').split()
readme = open('README.md', encoding='utf-8').read()

setuptools.setup(
    name=cfg['lib_name'].replace('_', '-'),
    version=cfg['version'],
    description=cfg['description'],
    long_description=readme,
    long_description_content_type='text/markdown',
    url=cfg['git_url'],
    author=cfg['author'],
    author_email=cfg['author_email'],
    license='Apache-2.0',
    keywords=cfg['keywords'],
    classifiers=[f'Development Status :: {statuses[int(cfg["status"]) - 1]}',
                 f'Intended Audience :: {cfg["audience"].title()}',
                 'Natural Language :: English',
                 'Topic :: Scientific/Engineering :: Artificial Intelligence']
                + [f'Programming Language :: Python :: {v}' for v in py_versions if parse(v) >= parse(min_python)],
    packages=setuptools.find_namespace_packages(include=[cfg['lib_name'], f'{cfg["lib_name"]}.*']),
    package_data={cfg['lib_name']: package_data},
    include_package_data=True,
    install_requires=requirements,
    extras_require={'dev': dev_requirements},
    python_requires=f'>={min_python}',
    zip_safe=False,
    entry_points={'console_scripts': console_scripts, 'nbdev': [f'{cfg["lib_path"]}={cfg["lib_path"]}._modidx:d']},
)
